# bench/linux-boot: Debian's kernel (build/linux/bzImage, from tests/linux/linux.mk) with
# the benchmark's busybox initramfs, booted natively by QEMU TCG and as a v3 VM under
# host-kitten. Not part of `make all` or `make check`: `make bench-linux-boot`.
BENCH_LB_DIR := $(BUILD)/bench/linux-boot

$(BENCH_LB_DIR)/initrd.gz: bench/linux-boot/init.sh $(BUSYBOX)
	@mkdir -p $(BENCH_LB_DIR)/rootfs/bin $(BENCH_LB_DIR)/rootfs/proc $(BENCH_LB_DIR)/rootfs/dev \
		$(BENCH_LB_DIR)/rootfs/tmp
	@echo "  CPIO    $@"
	$(Q)cp $(BUSYBOX) $(BENCH_LB_DIR)/rootfs/bin/busybox
	$(Q)cp bench/linux-boot/init.sh $(BENCH_LB_DIR)/rootfs/init
	$(Q)cd $(BENCH_LB_DIR)/rootfs && find . | cpio -o -H newc --quiet | gzip -9 >../initrd.gz

$(BENCH_LB_DIR)/bzImage: $(LINUX_DIR)/bzImage
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(BENCH_LB_DIR)/linux-bench.img: bench/linux-boot/linux-bench.xml $(BENCH_LB_DIR)/bzImage \
		$(BENCH_LB_DIR)/initrd.gz $(V3_PACK)
	$(Q)cp bench/linux-boot/linux-bench.xml $(BENCH_LB_DIR)/
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(BENCH_LB_DIR)/linux-bench.xml -o $@ >/dev/null

.PHONY: bench-linux-boot
bench-linux-boot: $(BENCH_LB_DIR)/linux-bench.img $(HK_BIN)
	$(Q)$(PYTHON) bench/linux-boot/run.py
