# SPDX-License-Identifier: MIT
# The one build of v3: plain GNU make, no recursive sub-makes.
#
#   make                 libv3vee.a, host-kitten, unit tests, tools
#   make check           the whole test suite (unit + system), summary at the end
#   make run             boot host-kitten in QEMU with the demo Linux VM: a shell
#   make iso             build/v3.iso, a GRUB rescue ISO (Bochs, real machines)
#   make defconfig | menuconfig | olddefconfig | savedefconfig

BUILD ?= build
KCONFIG_CONFIG ?= .config
export KCONFIG_CONFIG
# kconfiglib lives in Debian's python3-kconfiglib, for the system interpreter.
PYTHON ?= /usr/bin/python3
CC ?= gcc
HOSTCC ?= gcc
LD ?= ld
AR ?= ar
NASM ?= nasm
OBJCOPY ?= objcopy

Q := $(if $(V),,@)

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

# ---- configuration ---------------------------------------------------------

AUTOCONF := $(BUILD)/include/generated/autoconf.h
ifeq ($(filter defconfig menuconfig olddefconfig savedefconfig clean distclean deps,$(MAKECMDGOALS)),)
-include $(KCONFIG_CONFIG)
endif

$(KCONFIG_CONFIG): Kconfig configs/defconfig
	@if [ -f $@ ]; then \
		echo "  KCONFIG olddefconfig"; $(PYTHON) -m olddefconfig Kconfig >/dev/null; \
	else \
		echo "  KCONFIG defconfig"; $(PYTHON) -m defconfig --kconfig Kconfig configs/defconfig >/dev/null; \
	fi
	@touch $@

$(AUTOCONF): $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(PYTHON) -m genconfig --header-path $@ Kconfig

.PHONY: defconfig menuconfig olddefconfig savedefconfig
defconfig:
	$(PYTHON) -m defconfig --kconfig Kconfig configs/defconfig
menuconfig:
	$(PYTHON) -m menuconfig Kconfig
olddefconfig:
	$(PYTHON) -m olddefconfig Kconfig
savedefconfig:
	$(PYTHON) -m savedefconfig --kconfig Kconfig --out configs/defconfig

# ---- flags -----------------------------------------------------------------

GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla \
	-Wno-unused-parameter

# The freestanding flags of DEVELOPERS.md. -mcmodel=kernel links both into a
# higher-half kernel (the real Kitten) and below 2 GiB (host-kitten).
KCFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdinc -isystem $(GCC_INCLUDE) \
	-mno-red-zone -mno-sse -mno-mmx -mno-sse2 -mgeneral-regs-only -mno-80387 \
	-fno-stack-protector -fno-pic -fno-pie -mcmodel=kernel -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -fno-strict-aliasing -fno-common -O2 -g $(WARNINGS) \
	-include $(AUTOCONF) -MMD -MP
CORE_INCLUDES := -Ipalacios/include -Ipalacios/src -Iarch/x86_64/include -Isymbiotic/include
HK_INCLUDES := -Ihost-kitten -Ibench $(CORE_INCLUDES)
NASMFLAGS := -f elf64 -g -F dwarf

HOSTCFLAGS := -std=gnu11 -g -O1 $(WARNINGS) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -DV3_UNIT_TEST \
	-include $(AUTOCONF) $(HK_INCLUDES) -Itests/unit -MMD -MP
HOSTLDLIBS := -lcmocka

# ---- the VMM core: libv3vee.a ----------------------------------------------

core-y := $(wildcard palacios/src/*.c palacios/src/*/*.c arch/x86_64/*.c) devices/registry.c
core-$(CONFIG_V3_DEV_DEBUG_PORTS) += devices/debug_port.c
core-$(CONFIG_V3_DEV_VMM_TEST) += devices/vmm_test.c
core-$(CONFIG_V3_DEV_PIC) += devices/pic8259.c
core-$(CONFIG_V3_DEV_IOAPIC) += devices/ioapic.c
core-$(CONFIG_V3_DEV_LAPIC) += devices/lapic.c devices/lapic_timer.c
core-$(CONFIG_V3_DEV_PIT) += devices/pit8254.c
core-$(CONFIG_V3_DEV_RTC) += devices/rtc.c
core-$(CONFIG_V3_DEV_UART) += devices/uart16550.c
core-$(CONFIG_V3_DEV_I8042) += devices/i8042.c
core-$(CONFIG_V3_DEV_PCI) += devices/pci_host.c
core-$(CONFIG_V3_DEV_POWER) += devices/power.c
core-$(CONFIG_V3_DEV_ACPI) += devices/acpi.c
core-$(CONFIG_V3_SVM) += $(wildcard arch/x86_64/svm/*.c arch/x86_64/svm/*.asm)
core-$(CONFIG_V3_VMX) += $(wildcard arch/x86_64/vmx/*.c arch/x86_64/vmx/*.asm)
core-y += $(wildcard arch/x86_64/*.asm)

CORE_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(core-y))
LIBV3 := $(BUILD)/libv3vee.a

$(BUILD)/obj/palacios/%.c.o $(BUILD)/obj/arch/%.c.o $(BUILD)/obj/devices/%.c.o: CFLAGS_EXTRA := $(CORE_INCLUDES)
$(BUILD)/obj/host-kitten/%.c.o: CFLAGS_EXTRA := $(HK_INCLUDES)

$(BUILD)/obj/%.c.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) $(CFLAGS_EXTRA) -c $< -o $@

$(BUILD)/obj/%.asm.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) $(NASMFLAGS) -I$(BUILD)/obj/host-kitten/arch/ -Iarch/x86_64/include/arch/ -MD $@.d -MP -o $@ $<

$(LIBV3): $(CORE_OBJS) tools/check-lib-symbols.sh
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcsD $@ $(CORE_OBJS)
	$(Q)tools/check-lib-symbols.sh $@

# ---- host-kitten -----------------------------------------------------------

HK_SRCS := $(wildcard host-kitten/*.c host-kitten/*/*.c host-kitten/arch/*.asm)
HK_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(HK_SRCS))
HK_ELF := $(BUILD)/host-kitten.elf
HK_BIN := $(BUILD)/host-kitten.bin
HK_TRAMPOLINE := $(BUILD)/obj/host-kitten/arch/trampoline.bin

# The AP start-up code runs from a fixed low page, so it is assembled flat
# and embedded as a blob (trampoline_blob.asm incbins it).
$(HK_TRAMPOLINE): host-kitten/arch/flat/ap_trampoline.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $< (flat)"
	$(Q)$(NASM) -f bin -o $@ $<
$(BUILD)/obj/host-kitten/arch/trampoline_blob.asm.o: $(HK_TRAMPOLINE)

$(HK_ELF): $(HK_OBJS) $(LIBV3) host-kitten/link.ld
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -n -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments \
		-T host-kitten/link.ld -o $@ $(HK_OBJS) $(LIBV3)

# A flat image with the multiboot a.out kludge: QEMU -kernel and GRUB load it
# without ELF64 support. The loader refuses a load end past the file end.
$(HK_BIN): $(HK_ELF) tools/check-multiboot.sh
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary --remove-section=.bss $< $@
	$(Q)tools/check-multiboot.sh $< $@

# ---- GRUB ISO ----------------------------------------------------------------

ISO_CMDLINE ?=
.PHONY: iso
iso: $(BUILD)/v3.iso
$(BUILD)/v3.iso: $(HK_BIN) tools/mkiso.sh
	$(Q)tools/mkiso.sh $(HK_BIN) $@ "$(ISO_CMDLINE)"

# ---- unit tests ----------------------------------------------------------------

UNIT_TESTS :=
TOOLS :=
V3_PACK := $(BUILD)/v3-pack
include $(wildcard tests/unit/*.mk tools/*.mk tests/fuzz/*.mk tests/guests/*.mk tests/linux/*.mk bench/*/*.mk demo/*.mk)

# The whole core built for the build machine, as an archive: a unit test lists
# its own sources and takes from the core only what it uses.
HOST_CORE := $(BUILD)/host/libv3core.a
HOST_CORE_OBJS := $(patsubst %,$(BUILD)/host/%.o,$(core-y))
$(HOST_CORE): $(HOST_CORE_OBJS)
	@echo "  HOSTAR  $@"
	$(Q)rm -f $@ && $(AR) rcsD $@ $^

define unit_test_rule
$(BUILD)/tests/unit/$(1): $$(patsubst %,$(BUILD)/host/%.o,$$(unit_$(1)_SRCS)) $(HOST_CORE)
	@mkdir -p $$(dir $$@)
	@echo "  HOSTLD  $$@"
	$$(Q)$$(HOSTCC) $$(HOSTCFLAGS) $$^ $$(HOSTLDLIBS) -o $$@
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

$(BUILD)/host/%.c.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -c $< -o $@

$(BUILD)/host/%.asm.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  HOSTAS  $<"
	$(Q)$(NASM) $(NASMFLAGS) -Iarch/x86_64/include/arch/ -o $@ $<

UNIT_BINS := $(patsubst %,$(BUILD)/tests/unit/%,$(UNIT_TESTS))

# ---- top-level targets -----------------------------------------------------------

.PHONY: all lib kernel unit-tests
all: $(LIBV3) $(HK_BIN) $(UNIT_BINS) $(TOOLS) $(GUEST_IMAGES) $(LINUX_IMAGES) $(DEMO_IMAGE)
lib: $(LIBV3)
kernel: $(HK_BIN)
unit-tests: $(UNIT_BINS)

.PHONY: deps
deps:
	$(Q)tools/install-deps.sh

RESULTS := $(BUILD)/test-results.txt
SYSTEST_JOBS ?= 2
SYSTEST_CASES := $(sort $(wildcard tests/system/cases/*/*.test))

.PHONY: check check-unit check-system
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)mkdir -p $(BUILD) && : > $(RESULTS)
	$(Q)tests/unit/run.sh $(RESULTS) $(UNIT_BINS) || true
	$(Q)$(PYTHON) tests/system/harness.py --kernel $(HK_BIN) --results $(RESULTS) \
		--jobs $(SYSTEST_JOBS) --workdir $(BUILD)/systest $(SYSTEST_CASES) || true
	$(Q)tools/test-summary.sh $(RESULTS)

check-unit: $(UNIT_BINS)
	$(Q)mkdir -p $(BUILD) && : > $(RESULTS)
	$(Q)tests/unit/run.sh $(RESULTS) $(UNIT_BINS) || true
	$(Q)tools/test-summary.sh $(RESULTS)

check-system: $(HK_BIN)
	$(Q)mkdir -p $(BUILD) && : > $(RESULTS)
	$(Q)$(PYTHON) tests/system/harness.py --kernel $(HK_BIN) --results $(RESULTS) \
		--jobs $(SYSTEST_JOBS) --workdir $(BUILD)/systest $(SYSTEST_CASES) || true
	$(Q)tools/test-summary.sh $(RESULTS)

# make run: boot host-kitten under QEMU (AMD-V with nested paging) with the VM images
# RUN_VMS (default: the demo Linux VM, demo/), the serial console on the terminal; it
# ends when the VMs have stopped (in the demo: `poweroff -f`), or with Ctrl-A X.
# RUN_VMS= boots host-kitten alone (its CPU report). KVM is used when it can give the
# guest SVM, TCG otherwise.
RUN_CPU ?= EPYC,+svm
RUN_SMP ?= 2
RUN_MEM ?= 1G
RUN_APPEND ?=
RUN_VMS ?= $(DEMO_IMAGE)
.PHONY: run
run: deps
	$(Q)$(MAKE) --no-print-directory $(HK_BIN) $(RUN_VMS)
	$(Q)tools/run-qemu.sh --cpu "$(RUN_CPU)" --smp $(RUN_SMP) --mem $(RUN_MEM) \
		--append "$(RUN_APPEND)" $(HK_BIN) $(RUN_VMS)

.PHONY: clean distclean
clean:
	rm -rf $(BUILD)
distclean: clean
	rm -f $(KCONFIG_CONFIG) $(KCONFIG_CONFIG).old

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
