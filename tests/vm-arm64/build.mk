# The emulated arm64 boot (tests/vm-arm64/boot.bats) on its own. make check runs
# it as well, once it has built build/aarch64.

.PHONY: check-arm64-boot
check-arm64-boot: deps
	$(MAKE) CROSS=aarch64-linux-gnu- B=build/aarch64 all
	REPO=$(CURDIR) RPI_HW_ARM64_BUILD=$(CURDIR)/build/aarch64 bats --tap tests/vm-arm64/boot.bats
