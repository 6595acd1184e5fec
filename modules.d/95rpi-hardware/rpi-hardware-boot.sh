#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut pre-udev hook of 95rpi-hardware: loads the modules and applies the
# overlays before udev's coldplug. Sourced by dracut: it returns, never exits.
# shellcheck source=rpi-hardware-dracut.sh
command -v rpi_hw_boot > /dev/null 2>&1 || . /lib/rpi-hardware-dracut.sh
rpi_hw_boot
