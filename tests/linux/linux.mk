# The Linux guest test (tests/linux): Debian's stock kernel, unmodified, from the
# linux-image-amd64 package, and an initramfs of busybox-static with init.sh.
LINUX_DIR := $(BUILD)/linux
LINUX_KERNEL := $(lastword $(sort $(wildcard /boot/vmlinuz-*-amd64)))
BUSYBOX := /bin/busybox

# $(call busybox_initrd,INIT,ROOTFS,OUT): recipe lines packing busybox-static with the
# script INIT as /init, staged in the directory ROOTFS, into the gzipped cpio OUT (also
# used by demo/demo.mk).
define busybox_initrd
	@mkdir -p $(2)/bin $(2)/proc $(2)/sys $(2)/dev $(2)/tmp
	@echo "  CPIO    $(3)"
	$(Q)cp $(BUSYBOX) $(2)/bin/busybox
	$(Q)cp $(1) $(2)/init
	$(Q)cd $(2) && find . | cpio -o -H newc --quiet | gzip -9 >$(abspath $(3))
endef

$(LINUX_DIR)/initrd.gz: tests/linux/init.sh $(BUSYBOX)
	$(call busybox_initrd,tests/linux/init.sh,$(LINUX_DIR)/rootfs,$@)

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

$(LINUX_DIR)/linux-shadow.img: tests/linux/linux-shadow.xml $(LINUX_DIR)/bzImage $(LINUX_DIR)/initrd.gz $(V3_PACK)
	$(Q)cp tests/linux/linux-shadow.xml $(LINUX_DIR)/
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(LINUX_DIR)/linux-shadow.xml -o $@ >/dev/null

$(LINUX_DIR)/linux-vmx.img: tests/linux/linux-vmx.xml $(LINUX_DIR)/bzImage $(LINUX_DIR)/initrd.gz $(V3_PACK)
	$(Q)cp tests/linux/linux-vmx.xml $(LINUX_DIR)/
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(LINUX_DIR)/linux-vmx.xml -o $@ >/dev/null

LINUX_IMAGES := $(LINUX_DIR)/linux.img $(LINUX_DIR)/linux-apic.img $(LINUX_DIR)/linux-shadow.img \
	$(LINUX_DIR)/linux-vmx.img
