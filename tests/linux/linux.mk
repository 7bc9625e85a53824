# The Linux guest test (tests/linux): Debian's stock kernel, unmodified, from the
# linux-image-amd64 package, and an initramfs of busybox-static with init.sh.
LINUX_DIR := $(BUILD)/linux
LINUX_KERNEL := $(lastword $(sort $(wildcard /boot/vmlinuz-*-amd64)))
BUSYBOX := /bin/busybox

$(LINUX_DIR)/initrd.gz: tests/linux/init.sh $(BUSYBOX)
	@mkdir -p $(LINUX_DIR)/rootfs/bin $(LINUX_DIR)/rootfs/proc $(LINUX_DIR)/rootfs/sys \
		$(LINUX_DIR)/rootfs/dev $(LINUX_DIR)/rootfs/tmp
	@echo "  CPIO    $@"
	$(Q)cp $(BUSYBOX) $(LINUX_DIR)/rootfs/bin/busybox
	$(Q)cp tests/linux/init.sh $(LINUX_DIR)/rootfs/init
	$(Q)cd $(LINUX_DIR)/rootfs && find . | cpio -o -H newc --quiet | gzip -9 >../initrd.gz

$(LINUX_DIR)/bzImage: $(LINUX_KERNEL)
	@mkdir -p $(dir $@)
	@test -n "$(LINUX_KERNEL)" || { echo "error: no /boot/vmlinuz-*-amd64: make deps installs linux-image-amd64" >&2; exit 1; }
	$(Q)cp $(LINUX_KERNEL) $@

$(LINUX_DIR)/linux.img: tests/linux/linux.xml $(LINUX_DIR)/bzImage $(LINUX_DIR)/initrd.gz $(V3_PACK)
	$(Q)cp tests/linux/linux.xml $(LINUX_DIR)/
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(LINUX_DIR)/linux.xml -o $@ >/dev/null

$(LINUX_DIR)/linux-apic.img: tests/linux/linux-apic.xml $(LINUX_DIR)/bzImage $(LINUX_DIR)/initrd.gz $(V3_PACK)
	$(Q)cp tests/linux/linux-apic.xml $(LINUX_DIR)/
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(LINUX_DIR)/linux-apic.xml -o $@ >/dev/null

LINUX_IMAGES := $(LINUX_DIR)/linux.img $(LINUX_DIR)/linux-apic.img
