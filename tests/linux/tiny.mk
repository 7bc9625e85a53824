# The Linux guest test with a small kernel (docs/testing.md, "The tiny kernel"):
# Debian's linux-source-6.1 built from tinyconfig + tests/linux/tiny.config by
# tools/build-tiny-kernel.sh (cached in ${V3_CACHE:-/var/cache/v3}/tiny-kernel),
# with linux.mk's initramfs. Needs linux.mk's LINUX_DIR and LINUX_IMAGES, so it
# must be included after it (the Makefile's sorted wildcard does that).
ifndef LINUX_DIR
$(error tests/linux/tiny.mk is included before tests/linux/linux.mk)
endif

LINUX_TINY_KERNEL := $(LINUX_DIR)/tiny/bzImage

$(LINUX_TINY_KERNEL): tools/build-tiny-kernel.sh tests/linux/tiny.config
	$(Q)tools/build-tiny-kernel.sh $@ tests/linux/tiny.config

$(LINUX_DIR)/linux-tiny.img: tests/linux/linux-tiny.xml $(LINUX_TINY_KERNEL) $(LINUX_DIR)/initrd.gz $(V3_PACK)
	$(Q)cp tests/linux/linux-tiny.xml $(LINUX_DIR)/
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(LINUX_DIR)/linux-tiny.xml -o $@ >/dev/null

LINUX_IMAGES += $(LINUX_DIR)/linux-tiny.img

# The same VM under shadow paging (linux/tiny-vmx-shadow.test): linux-tiny.xml with
# <paging mode="shadow"/> after <cores .../> and a 16 MiB memory check (v3test.mem_mib=16).
$(LINUX_DIR)/linux-tiny-shadow.img: tests/linux/linux-tiny.xml $(LINUX_TINY_KERNEL) $(LINUX_DIR)/initrd.gz $(V3_PACK)
	@mkdir -p $(LINUX_DIR)
	$(Q)sed -e 's|^\(\s*<cores .*/>\)$$|\1\n\t<paging mode="shadow"/>|' \
		-e 's|panic=-1"|panic=-1 v3test.mem_mib=16"|' $< > $(LINUX_DIR)/linux-tiny-shadow.xml
	$(Q)grep -q 'v3test.mem_mib=16' $(LINUX_DIR)/linux-tiny-shadow.xml
	$(Q)grep -q '<paging mode="shadow"/>' $(LINUX_DIR)/linux-tiny-shadow.xml
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(LINUX_DIR)/linux-tiny-shadow.xml -o $@ >/dev/null

LINUX_IMAGES += $(LINUX_DIR)/linux-tiny-shadow.img
