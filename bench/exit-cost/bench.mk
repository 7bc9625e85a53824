# bench/exit-cost: the guest (on the test-guest runtime) and its VM image.
BENCH_EXIT_DIR := $(BUILD)/bench/exit-cost

$(BENCH_EXIT_DIR)/guest.o: bench/exit-cost/guest.c bench/exit-cost/compute.h
	@mkdir -p $(dir $@)
	@echo "  CC      $< (guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -Ibench -c $< -o $@

$(BENCH_EXIT_DIR)/guest.bin: $(BENCH_EXIT_DIR)/guest.o $(GUEST_RT_OBJS) tests/guests/rt/guest.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $(BENCH_EXIT_DIR)/guest.elf $(GUEST_RT_OBJS) $<
	$(Q)$(OBJCOPY) -O binary $(BENCH_EXIT_DIR)/guest.elf $@

$(BENCH_EXIT_DIR)/exit-cost.img: bench/exit-cost/exit-cost.xml $(BENCH_EXIT_DIR)/guest.bin $(V3_PACK)
	@echo "  V3-PACK $@"
	$(Q)cp bench/exit-cost/exit-cost.xml $(BENCH_EXIT_DIR)/
	$(Q)$(V3_PACK) $(BENCH_EXIT_DIR)/exit-cost.xml -o $@

.PHONY: bench-exit-cost
bench-exit-cost: $(BENCH_EXIT_DIR)/exit-cost.img $(HK_BIN)
	$(Q)bench/exit-cost/run.sh
