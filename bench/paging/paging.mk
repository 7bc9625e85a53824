# bench/paging: nested paging vs shadow paging (address-space cache on, and off = virtual
# TLB) on a TLB-miss-heavy guest (tests/guests/gups.c, images from tests/guests/guests.mk)
# and on Linux (Debian's kernel, a busybox initramfs with bench/paging/init.sh: boot,
# fork/exec, mmap/munmap and tmpfs loops). Not part of `make all` or `make check`:
# `make bench-paging` (BENCH_RUNS=N, default 2) runs bench/paging/run.py.
BENCH_PG_DIR := $(BUILD)/bench/paging
BENCH_PG_MODES := linux linux-shadow linux-vtlb
BENCH_PG_LINUX_IMAGES := $(patsubst %,$(BENCH_PG_DIR)/%.img,$(BENCH_PG_MODES))

$(BENCH_PG_DIR)/initrd.gz: bench/paging/init.sh $(BUSYBOX)
	@mkdir -p $(BENCH_PG_DIR)/rootfs/bin $(BENCH_PG_DIR)/rootfs/proc $(BENCH_PG_DIR)/rootfs/sys \
		$(BENCH_PG_DIR)/rootfs/dev $(BENCH_PG_DIR)/rootfs/tmp
	@echo "  CPIO    $@"
	$(Q)cp $(BUSYBOX) $(BENCH_PG_DIR)/rootfs/bin/busybox
	$(Q)install -m 755 bench/paging/init.sh $(BENCH_PG_DIR)/rootfs/init
	$(Q)cd $(BENCH_PG_DIR)/rootfs && find . | cpio -o -H newc --quiet | gzip -9 >../initrd.gz

$(BENCH_PG_DIR)/bzImage: $(LINUX_DIR)/bzImage
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(BENCH_PG_LINUX_IMAGES): $(BENCH_PG_DIR)/%.img: bench/paging/%.xml $(BENCH_PG_DIR)/bzImage \
		$(BENCH_PG_DIR)/initrd.gz $(V3_PACK)
	$(Q)cp bench/paging/$*.xml $(BENCH_PG_DIR)/
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(BENCH_PG_DIR)/$*.xml -o $@ >/dev/null

.PHONY: bench-paging
bench-paging: $(BENCH_PG_LINUX_IMAGES) $(GUPS_IMAGES) $(HK_BIN)
	$(Q)$(PYTHON) bench/paging/run.py
