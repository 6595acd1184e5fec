#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut pre-mount hook of 95rpi-hardware: waits, bounded, for the accelerator's
# device node and reports. Sourced by dracut: it returns, never exits.
# shellcheck source=rpi-hardware-dracut.sh
command -v rpi_hw_wait > /dev/null 2>&1 || . /lib/rpi-hardware-dracut.sh
rpi_hw_wait
