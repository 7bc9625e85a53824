# bench/exit-cost: the guest (flat 32-bit) and its VM image.
BENCH_EXIT_DIR := $(BUILD)/bench/exit-cost
BENCH_GUEST_CFLAGS := -m32 -std=gnu11 -ffreestanding -fno-builtin -fno-pic -fno-pie -nostdlib \
	-mno-sse -mno-mmx -mno-80387 -fno-stack-protector -fno-asynchronous-unwind-tables -O2 \
	$(WARNINGS)

$(BENCH_EXIT_DIR)/guest.bin: bench/exit-cost/guest.c bench/exit-cost/compute.h \
		bench/exit-cost/entry.asm bench/exit-cost/guest.ld
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(BENCH_GUEST_CFLAGS) -c bench/exit-cost/guest.c -o $(BENCH_EXIT_DIR)/guest.o
	$(Q)$(NASM) -f elf32 -o $(BENCH_EXIT_DIR)/entry.o bench/exit-cost/entry.asm
	$(Q)$(LD) -m elf_i386 -nostdlib --no-warn-rwx-segments -T bench/exit-cost/guest.ld -o $(BENCH_EXIT_DIR)/guest.elf \
		$(BENCH_EXIT_DIR)/entry.o $(BENCH_EXIT_DIR)/guest.o
	$(Q)$(OBJCOPY) -O binary $(BENCH_EXIT_DIR)/guest.elf $@

$(BENCH_EXIT_DIR)/exit-cost.img: bench/exit-cost/exit-cost.xml $(BENCH_EXIT_DIR)/guest.bin $(V3_PACK)
	@echo "  PACK    $@"
	$(Q)cp bench/exit-cost/exit-cost.xml $(BENCH_EXIT_DIR)/
	$(Q)$(V3_PACK) $(BENCH_EXIT_DIR)/exit-cost.xml -o $@

.PHONY: bench-exit-cost
bench-exit-cost: $(BENCH_EXIT_DIR)/exit-cost.img $(HK_BIN)
	$(Q)bench/exit-cost/run.sh
