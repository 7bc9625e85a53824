# SPDX-License-Identifier: MIT
# The system-test guests (tests/guests, docs/testing.md), included by the top
# Makefile: each tests/guests/NAME.c is linked with the runtime (rt/) into a
# flat binary build/guests/NAME.bin loaded at 0x10000, and packed with
# tests/guests/NAME.xml into the VM image build/guests/NAME.img.
# twovm-N is twovm.c built with -DVM_ID=N.
# The assembly guests (ASM_GUESTS: tests/guests/NAME.asm, with asm-check.inc) are
# flat binaries NASM assembles on their own; they test the boot kinds other than
# flat real mode, so they start where their config says (multiboot, long mode).

GUEST_DIR := $(BUILD)/guests
V3_PACK ?= $(BUILD)/v3-pack
GUESTS := cpuid hypercall portio msr memory mem-stop exceptions hlt-irq triple-fault \
	twovm-1 twovm-2 uart pc-devices
ASM_GUESTS := multiboot long-entry paging-legacy
GUEST_IMAGES := $(patsubst %,$(GUEST_DIR)/%.img,$(GUESTS) $(ASM_GUESTS))

GUEST_CFLAGS := -std=gnu11 -m64 -ffreestanding -fno-builtin -nostdinc -isystem $(GCC_INCLUDE) \
	-fno-pic -fno-pie -mcmodel=small -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fno-strict-aliasing -O2 -g \
	$(WARNINGS) -Itests/guests/rt -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -n -z noexecstack --no-warn-rwx-segments \
	-T tests/guests/rt/guest.ld
GUEST_RT_OBJS := $(GUEST_DIR)/rt/entry.o $(GUEST_DIR)/rt/isr.o $(GUEST_DIR)/rt/runtime.o

$(GUEST_DIR)/rt/%.o: tests/guests/rt/%.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf64 -g -F dwarf -MD $@.d -MP -o $@ $<

$(GUEST_DIR)/rt/%.o: tests/guests/rt/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_DIR)/obj/%.o: tests/guests/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_DIR)/obj/twovm-%.o: tests/guests/twovm.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (guest, VM_ID=$*)"
	$(Q)$(CC) $(GUEST_CFLAGS) -DVM_ID=$* -c $< -o $@

$(GUEST_DIR)/%.elf: $(GUEST_DIR)/obj/%.o $(GUEST_RT_OBJS) tests/guests/rt/guest.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_RT_OBJS) $<

$(GUEST_DIR)/%.bin: $(GUEST_DIR)/%.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O binary $< $@

$(patsubst %,$(GUEST_DIR)/%.bin,$(ASM_GUESTS)): $(GUEST_DIR)/%.bin: tests/guests/%.asm \
		tests/guests/asm-check.inc
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f bin -Itests/guests/ -o $@ $<

# multiboot.img carries a module next to its kernel.
$(GUEST_DIR)/multiboot-module.txt: tests/guests/multiboot-module.txt
	@mkdir -p $(dir $@)
	$(Q)cp $< $@
$(GUEST_DIR)/multiboot.img: $(GUEST_DIR)/multiboot-module.txt

# The config goes next to the binary it names (<file filename="NAME.bin">):
# v3-pack resolves file names against the config's directory.
$(GUEST_DIR)/%.xml: tests/guests/%.xml
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(GUEST_DIR)/%.img: $(GUEST_DIR)/%.xml $(GUEST_DIR)/%.bin $(V3_PACK)
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(GUEST_DIR)/$*.xml -o $@

# Keep the intermediate files (make would delete them after packing).
.SECONDARY: $(GUEST_RT_OBJS) $(foreach g,$(GUESTS),$(GUEST_DIR)/obj/$(g).o $(GUEST_DIR)/$(g).elf \
	$(GUEST_DIR)/$(g).bin $(GUEST_DIR)/$(g).xml) \
	$(foreach g,$(ASM_GUESTS),$(GUEST_DIR)/$(g).bin $(GUEST_DIR)/$(g).xml)

.PHONY: guests
guests: $(GUEST_IMAGES)

# The paging guests (paging-*.c, docs/testing.md): paging-matrix links its
# access primitive and CPL 3 stubs (paging-matrix-lm.asm) besides the runtime.
PAGING_GUESTS := paging-matrix paging-spaces
GUESTS += $(PAGING_GUESTS)
GUEST_IMAGES += $(patsubst %,$(GUEST_DIR)/%.img,$(PAGING_GUESTS))
PAGING_MATRIX_OBJS := $(GUEST_DIR)/obj/paging-matrix.o $(GUEST_DIR)/obj/paging-matrix-lm.o

$(GUEST_DIR)/obj/paging-%.o: tests/guests/paging-%.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf64 -g -F dwarf -MD $@.d -MP -o $@ $<

$(GUEST_DIR)/paging-matrix.elf: $(PAGING_MATRIX_OBJS) $(GUEST_RT_OBJS) tests/guests/rt/guest.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_RT_OBJS) $(PAGING_MATRIX_OBJS)

.SECONDARY: $(PAGING_MATRIX_OBJS) $(foreach g,$(PAGING_GUESTS),$(GUEST_DIR)/obj/$(g).o \
	$(GUEST_DIR)/$(g).elf $(GUEST_DIR)/$(g).bin $(GUEST_DIR)/$(g).xml)

# The paging guests under shadow paging (paging/shadow.h): the same binaries, configs
# that ask for <paging mode="shadow"/> with the address-space cache on (-shadow) or off
# (-vtlb), so one CPU compares them with nested paging.
PAGING_SHADOW_IMAGES := paging-matrix-shadow paging-matrix-vtlb paging-spaces-shadow \
	paging-spaces-vtlb
GUEST_IMAGES += $(patsubst %,$(GUEST_DIR)/%.img,$(PAGING_SHADOW_IMAGES))
$(patsubst %,$(GUEST_DIR)/%.img,$(PAGING_SHADOW_IMAGES)): $(GUEST_DIR)/%.img: \
		$(GUEST_DIR)/%.xml $(GUEST_DIR)/paging-matrix.bin $(GUEST_DIR)/paging-spaces.bin $(V3_PACK)
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(GUEST_DIR)/$*.xml -o $@
.SECONDARY: $(patsubst %,$(GUEST_DIR)/%.xml,$(PAGING_SHADOW_IMAGES))

# The GUPS-like guests of bench/paging (tests/guests/gups.c; not run by make check): gups is
# one address space over a 256 MiB array; gups-cr3 is 4 address spaces over a 64 MiB array,
# switched every 4096 updates. Each is packed three ways: nested paging (gups.xml), shadow
# paging with the address-space cache (-shadow) and as a virtual TLB (-vtlb).
GUPS_CR3_DEFS := -DGUPS_SPACES=4 -DGUPS_ARRAY_MB=64 -DGUPS_UPDATES=262144 -DGUPS_SWITCH=4096
GUPS_IMAGES := $(foreach g,gups gups-cr3,$(patsubst %,$(GUEST_DIR)/%.img,$(g) $(g)-shadow $(g)-vtlb))

$(GUEST_DIR)/obj/gups-cr3.o: tests/guests/gups.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (guest, gups-cr3)"
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUPS_CR3_DEFS) -c $< -o $@

$(filter $(GUEST_DIR)/gups-%.img,$(GUPS_IMAGES)): $(GUEST_DIR)/%.img: $(GUEST_DIR)/%.xml \
		$(GUEST_DIR)/gups.bin $(GUEST_DIR)/gups-cr3.bin $(V3_PACK)
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(GUEST_DIR)/$*.xml -o $@

.SECONDARY: $(foreach g,gups gups-cr3,$(GUEST_DIR)/obj/$(g).o $(GUEST_DIR)/$(g).elf \
	$(GUEST_DIR)/$(g).bin) $(patsubst %.img,%.xml,$(GUPS_IMAGES))

.PHONY: gups-images
gups-images: $(GUPS_IMAGES)

# Guests that climb from real mode, under shadow paging: NAME.xml with <paging mode="shadow"/>
# after <cores .../> (VT-x runs them with EPT and unrestricted guest until they turn paging
# on, then on the shadow tables: bochs-vmx/skylake-x-shadow-guests.test).
SHADOW_GUESTS := cpuid exceptions memory hlt-irq long-entry
GUEST_IMAGES += $(patsubst %,$(GUEST_DIR)/%-shadow.img,$(SHADOW_GUESTS))
$(patsubst %,$(GUEST_DIR)/%-shadow.xml,$(SHADOW_GUESTS)): $(GUEST_DIR)/%-shadow.xml: \
		tests/guests/%.xml
	@mkdir -p $(dir $@)
	$(Q)sed 's|^\(\s*<cores .*/>\)$$|\1\n\t<paging mode="shadow"/>|' $< > $@
	$(Q)grep -q '<paging mode="shadow"/>' $@
$(patsubst %,$(GUEST_DIR)/%-shadow.img,$(SHADOW_GUESTS)): $(GUEST_DIR)/%-shadow.img: \
		$(GUEST_DIR)/%-shadow.xml $(GUEST_DIR)/%.bin $(V3_PACK)
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(GUEST_DIR)/$*-shadow.xml -o $@
.SECONDARY: $(patsubst %,$(GUEST_DIR)/%-shadow.xml,$(SHADOW_GUESTS))

# paging-legacy under shadow paging (the binary of the ASM guest, a config with <paging mode="shadow"/>).
GUEST_IMAGES += $(GUEST_DIR)/paging-legacy-shadow.img
$(GUEST_DIR)/paging-legacy-shadow.img: $(GUEST_DIR)/paging-legacy-shadow.xml $(GUEST_DIR)/paging-legacy.bin $(V3_PACK)
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(GUEST_DIR)/paging-legacy-shadow.xml -o $@
.SECONDARY: $(GUEST_DIR)/paging-legacy-shadow.xml
