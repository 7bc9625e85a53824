# The interactive demo VM that `make run` boots (demo/): Debian's stock kernel, the same
# build/linux/bzImage as the Linux guest test, and a busybox initramfs whose init gives the
# serial console a shell (demo/init-shell.sh).
DEMO_DIR := $(BUILD)/demo
DEMO_IMAGE := $(DEMO_DIR)/linux-shell.img

$(DEMO_DIR)/initrd-shell.gz: demo/init-shell.sh $(BUSYBOX)
	$(call busybox_initrd,demo/init-shell.sh,$(DEMO_DIR)/rootfs,$@)

$(DEMO_IMAGE): demo/linux-shell.xml $(LINUX_DIR)/bzImage $(DEMO_DIR)/initrd-shell.gz $(V3_PACK)
	$(Q)cp demo/linux-shell.xml $(DEMO_DIR)/
	$(Q)ln -sf ../linux/bzImage $(DEMO_DIR)/bzImage
	@echo "  V3-PACK $@"
	$(Q)$(V3_PACK) $(DEMO_DIR)/linux-shell.xml -o $@ >/dev/null
