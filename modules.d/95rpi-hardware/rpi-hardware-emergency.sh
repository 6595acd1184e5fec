#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dracut emergency hook of 95rpi-hardware: records the helper's status for the
# emergency shell and rdsosreport. Sourced by dracut: it returns, never exits.
# shellcheck source=rpi-hardware-dracut.sh
command -v rpi_hw_emergency > /dev/null 2>&1 || . /lib/rpi-hardware-dracut.sh
rpi_hw_emergency
