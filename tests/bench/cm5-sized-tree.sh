#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# cm5-sized-tree.sh [OUT.dts]: writes a device tree source the size of a
# Compute Module 5's (compiled with `dtc -@`: about 80 KB, about 1,500 nodes),
# in the style of Raspberry Pi's trees: buses inside buses (/soc, /axi with its
# PCIe controllers, RP1 behind the third one), a label on nearly every node
# (so __symbols__ is as large as on a board), phandle references between
# nodes, aliases and pin-state nodes by the hundred under the GPIO controller.
# The project's own fixture, for make bench (tests/bench/run, "merge"): the
# same bytes every run, nothing random, nothing from the host. Writes to
# stdout without OUT.
set -euo pipefail

UARTS=6
I2CS=7
SPIS=9
PWMS=2
GPIOS=54
ALTS=15

emit() {
	printf '%s\n' "$@"
}

# A pin state of RP1's GPIO block: the function and bias on the state, one
# child per pin (the style of the bcm2712 trees' pin groups).
pinstate() {
	local label=$1 func=$2 pins=$3 pull=$4 p
	emit "			$label: $label {" \
		"				function = \"$func\";" \
		"				$pull;"
	for p in $pins; do
		emit "				pin-gpio$p {" "					pins = \"gpio$p\";" "				};"
	done
	emit "			};"
}

# The GPIO controller's pin states: one per function and pin pair.
rp1_pins() {
	local i f p
	for ((i = 0; i < UARTS; i++)); do
		for p in $((i * 4)) $((i * 4 + 14)); do
			pinstate "rp1_uart${i}_$((p % GPIOS))_$(((p + 1) % GPIOS))" "uart$i" \
				"$((p % GPIOS)) $(((p + 1) % GPIOS))" bias-disable
			pinstate "rp1_uart${i}_ctsrts_$(((p + 2) % GPIOS))_$(((p + 3) % GPIOS))" "uart$i" \
				"$(((p + 2) % GPIOS)) $(((p + 3) % GPIOS))" bias-pull-up
		done
	done
	for ((i = 0; i < I2CS; i++)); do
		for p in $((i * 2)) $((i * 2 + 22)) $((i * 2 + 44)); do
			pinstate "rp1_i2c${i}_$((p % GPIOS))_$(((p + 1) % GPIOS))" "i2c$i" \
				"$((p % GPIOS)) $(((p + 1) % GPIOS))" bias-pull-up
		done
	done
	for ((i = 0; i < SPIS; i++)); do
		p=$(((i * 5) % GPIOS))
		pinstate "rp1_spi${i}_gpio$p" "spi$i" "$p $(((p + 1) % GPIOS)) $(((p + 2) % GPIOS))" bias-disable
		pinstate "rp1_spi${i}_cs_gpio$(((p + 3) % GPIOS))" "spi$i" "$(((p + 3) % GPIOS)) $(((p + 4) % GPIOS))" bias-pull-up
	done
	for ((i = 0; i < GPIOS; i++)); do
		for f in gpio pio; do
			pinstate "rp1_${f}_$i" "$f" "$i" bias-disable
		done
	done
	# Every pin's alternate functions, unlabelled, as a pin-mux table.
	for ((i = 0; i < GPIOS; i++)); do
		emit "			gpio$i-functions {" "				pins = \"gpio$i\";"
		for ((f = 0; f < ALTS; f++)); do
			emit "				alt$f {" "					function = \"a$f\";" "				};"
		done
		emit "			};"
	done
	for ((i = 0; i < PWMS; i++)); do
		pinstate "rp1_pwm${i}_gpio$((12 + i))" "pwm$i" "$((12 + i))" bias-disable
	done
	pinstate rp1_gpclk0_gpio4 gpclk0 4 bias-disable
	pinstate rp1_sdio0_22_27 sd0 "22 23 24 25 26 27" bias-pull-up
}

# RP1's peripherals: each disabled, with clocks and pins by phandle.
rp1_devices() {
	local i addr
	for ((i = 0; i < UARTS; i++)); do
		addr=$(printf '%x' $((0x30000 + i * 0x4000)))
		emit "		rp1_uart$i: serial@$addr {" \
			"			compatible = \"arm,pl011-axi\";" \
			"			reg = <0xc0 0x400$addr 0x0 0x100>;" \
			"			interrupts = <$((25 + i)) 4>;" \
			"			clocks = <&rp1_clocks 10>, <&rp1_clocks 11>;" \
			"			clock-names = \"uartclk\", \"apb_pclk\";" \
			"			pinctrl-names = \"default\";" \
			"			pinctrl-0 = <&rp1_uart${i}_$(((i * 4) % GPIOS))_$(((i * 4 + 1) % GPIOS))>;" \
			"			arm,primecell-periphid = <0x00541011>;" \
			"			status = \"disabled\";" \
			"		};"
	done
	for ((i = 0; i < I2CS; i++)); do
		addr=$(printf '%x' $((0x70000 + i * 0x4000)))
		emit "		rp1_i2c$i: i2c@$addr {" \
			"			compatible = \"snps,designware-i2c\";" \
			"			reg = <0xc0 0x400$addr 0x0 0x1000>;" \
			"			#address-cells = <1>;" \
			"			#size-cells = <0>;" \
			"			interrupts = <$((7 + i)) 4>;" \
			"			clocks = <&rp1_clocks 12>;" \
			"			i2c-scl-rising-time-ns = <65>;" \
			"			i2c-scl-falling-time-ns = <100>;" \
			"			pinctrl-names = \"default\";" \
			"			pinctrl-0 = <&rp1_i2c${i}_$(((i * 2) % GPIOS))_$(((i * 2 + 1) % GPIOS))>;" \
			"			status = \"disabled\";" \
			"		};"
	done
	for ((i = 0; i < SPIS; i++)); do
		addr=$(printf '%x' $((0x50000 + i * 0x4000)))
		emit "		rp1_spi$i: spi@$addr {" \
			"			compatible = \"snps,dw-apb-ssi\";" \
			"			reg = <0xc0 0x400$addr 0x0 0x130>;" \
			"			#address-cells = <1>;" \
			"			#size-cells = <0>;" \
			"			interrupts = <$((14 + i)) 4>;" \
			"			clocks = <&rp1_clocks 13>;" \
			"			num-cs = <2>;" \
			"			dmas = <&rp1_dma $((i * 2))>, <&rp1_dma $((i * 2 + 1))>;" \
			"			dma-names = \"tx\", \"rx\";" \
			"			pinctrl-names = \"default\";" \
			"			pinctrl-0 = <&rp1_spi${i}_gpio$(((i * 5) % GPIOS))>;" \
			"			status = \"disabled\";" \
			"		};"
	done
	for ((i = 0; i < PWMS; i++)); do
		addr=$(printf '%x' $((0x98000 + i * 0x4000)))
		emit "		rp1_pwm$i: pwm@$addr {" \
			"			compatible = \"raspberrypi,rp1-pwm\";" \
			"			reg = <0xc0 0x400$addr 0x0 0x100>;" \
			"			#pwm-cells = <3>;" \
			"			clocks = <&rp1_clocks 19>;" \
			"			pinctrl-names = \"default\";" \
			"			pinctrl-0 = <&rp1_pwm${i}_gpio$((12 + i))>;" \
			"			status = \"disabled\";" \
			"		};"
	done
	emit "		rp1_dma: dma@188000 {" \
		"			compatible = \"snps,axi-dma-1.01a\";" \
		"			reg = <0xc0 0x40188000 0x0 0x1000>;" \
		"			#dma-cells = <1>;" \
		"			dma-channels = <8>;" \
		"			status = \"okay\";" \
		"		};" \
		"		rp1_sdio0: mmc@180000 {" \
		"			compatible = \"raspberrypi,rp1-dwcmshc\";" \
		"			reg = <0xc0 0x40180000 0x0 0x260>;" \
		"			pinctrl-names = \"default\";" \
		"			pinctrl-0 = <&rp1_sdio0_22_27>;" \
		"			status = \"disabled\";" \
		"		};" \
		"		rp1_usb0: usb@200000 {" \
		"			compatible = \"snps,dwc3\";" \
		"			reg = <0xc0 0x40200000 0x0 0x100000>;" \
		"			dr_mode = \"host\";" \
		"			status = \"okay\";" \
		"		};" \
		"		rp1_usb1: usb@300000 {" \
		"			compatible = \"snps,dwc3\";" \
		"			reg = <0xc0 0x40300000 0x0 0x100000>;" \
		"			dr_mode = \"host\";" \
		"			status = \"okay\";" \
		"		};" \
		"		rp1_eth: ethernet@100000 {" \
		"			compatible = \"cdns,macb\";" \
		"			reg = <0xc0 0x40100000 0x0 0x4000>;" \
		"			phy-handle = <&phy1>;" \
		"			phy-mode = \"rgmii-id\";" \
		"			#address-cells = <1>;" \
		"			#size-cells = <0>;" \
		"			phy1: ethernet-phy@1 {" \
		"				reg = <1>;" \
		"			};" \
		"		};"
}

# A PCIe controller under /axi.
pcie() {
	local n=$1 addr=$2 status=$3
	emit "		pcie$n: pcie@$addr {" \
		"			compatible = \"brcm,bcm2712-pcie\";" \
		"			reg = <0x10 0x00$addr 0x0 0x9310>;" \
		"			device_type = \"pci\";" \
		"			#address-cells = <3>;" \
		"			#size-cells = <2>;" \
		"			#interrupt-cells = <1>;" \
		"			max-link-speed = <2>;" \
		"			num-lanes = <1>;" \
		"			msi-parent = <&pcie${n}_msi>;" \
		"			status = \"$status\";" \
		"			pcie${n}_msi: msi-controller {" \
		"				msi-controller;" \
		"				#msi-cells = <0>;" \
		"			};"
}

# The SoC's own peripherals under /soc: a block of each kind.
soc_devices() {
	local i addr
	for ((i = 0; i < 16; i++)); do
		addr=$(printf '%x' $((0x7d500000 + i * 0x1000)))
		emit "		soc_dev$i: peripheral@$addr {" \
			"			compatible = \"brcm,bcm2712-block$((i % 8))\";" \
			"			reg = <0x$addr 0x1000>;" \
			"			interrupts = <0 $((100 + i)) 4>;" \
			"			clocks = <&clk_xosc>;" \
			"			status = \"$([[ $((i % 3)) == 0 ]] && echo okay || echo disabled)\";" \
			"		};"
	done
	emit "		gio: gpio@7d508500 {" \
		"			compatible = \"brcm,brcmstb-gpio\";" \
		"			reg = <0x7d508500 0x40>;" \
		"			gpio-controller;" \
		"			#gpio-cells = <2>;" \
		"		};" \
		"		pinctrl: pinctrl@7d504100 {" \
		"			compatible = \"brcm,bcm2712-pinctrl\";" \
		"			reg = <0x7d504100 0x30>;"
	for ((i = 0; i < 36; i++)); do
		emit "			soc_pins$i: pins-$i {" \
			"				function = \"alt$((i % 6))\";" \
			"				pins = \"gpio$i\";" \
			"				bias-disable;" \
			"			};"
	done
	emit "		};"
}

tree() {
	local i
	emit "// Generated by tests/bench/cm5-sized-tree.sh: a tree the size of a CM5's." \
		"/dts-v1/;" "" "/ {" \
		"	compatible = \"raspberrypi,5-compute-module\", \"brcm,bcm2712\";" \
		"	model = \"Raspberry Pi Compute Module 5 (bench fixture)\";" \
		"	#address-cells = <2>;" \
		"	#size-cells = <2>;" \
		"	interrupt-parent = <&gicv2>;" "" \
		"	aliases {"
	for ((i = 0; i < UARTS; i++)); do emit "		serial$i = &rp1_uart$i;"; done
	for ((i = 0; i < I2CS; i++)); do emit "		i2c$i = &rp1_i2c$i;"; done
	for ((i = 0; i < SPIS; i++)); do emit "		spi$i = &rp1_spi$i;"; done
	emit "		ethernet0 = &rp1_eth;" "		mmc0 = &sdio1;" "		mmc1 = &rp1_sdio0;" \
		"		gpio0 = &gio;" "		gpio1 = &rp1_gpio;" "	};" "" \
		"	chosen {" "		stdout-path = \"serial10:115200n8\";" "	};" "" \
		"	memory@0 {" "		device_type = \"memory\";" \
		"		reg = <0x0 0x0 0x0 0x28000000>;" "	};" "" \
		"	cpus {" "		#address-cells = <1>;" "		#size-cells = <0>;"
	for ((i = 0; i < 4; i++)); do
		emit "		cpu$i: cpu@$i {" \
			"			device_type = \"cpu\";" \
			"			compatible = \"arm,cortex-a76\";" \
			"			reg = <$i>;" \
			"			enable-method = \"psci\";" \
			"			next-level-cache = <&l2_cache_$i>;" \
			"			l2_cache_$i: l2-cache-$i {" \
			"				compatible = \"cache\";" \
			"				cache-level = <2>;" \
			"				next-level-cache = <&l3_cache>;" \
			"			};" \
			"		};"
	done
	emit "		l3_cache: l3-cache {" "			compatible = \"cache\";" \
		"			cache-level = <3>;" "		};" "	};" "" \
		"	clocks {" \
		"		clk_xosc: clk-xosc {" \
		"			compatible = \"fixed-clock\";" \
		"			#clock-cells = <0>;" \
		"			clock-frequency = <54000000>;" \
		"		};" \
		"	};" "" \
		"	gicv2: interrupt-controller@107fff9000 {" \
		"		compatible = \"arm,gic-400\";" \
		"		reg = <0x10 0x7fff9000 0x0 0x1000>;" \
		"		interrupt-controller;" \
		"		#interrupt-cells = <3>;" \
		"	};" "" \
		"	soc: soc@107c000000 {" \
		"		compatible = \"simple-bus\";" \
		"		#address-cells = <1>;" \
		"		#size-cells = <1>;" \
		"		ranges = <0x7c000000 0x10 0x7c000000 0x04000000>;"
	soc_devices
	emit "	};" "" \
		"	axi: axi {" \
		"		compatible = \"simple-bus\";" \
		"		#address-cells = <2>;" \
		"		#size-cells = <2>;" \
		"		ranges;" \
		"		sdio1: mmc@1000fff000 {" \
		"			compatible = \"brcm,bcm2712-sdhci\";" \
		"			reg = <0x10 0x00fff000 0x0 0x260>;" \
		"			status = \"okay\";" \
		"		};"
	pcie 0 100000 disabled
	emit "		};"
	pcie 1 110000 disabled
	emit "		};"
	pcie 2 120000 okay
	emit "			rp1: rp1 {" \
		"				compatible = \"simple-bus\";" \
		"				#address-cells = <2>;" \
		"				#size-cells = <2>;" \
		"				reg = <0x10000 0x0 0x0 0x0 0x0>;" \
		"		rp1_clocks: clocks@18000 {" \
		"			compatible = \"raspberrypi,rp1-clocks\";" \
		"			reg = <0xc0 0x40018000 0x0 0x10038>;" \
		"			#clock-cells = <1>;" \
		"		};" \
		"		rp1_gpio: gpio@d0000 {" \
		"			compatible = \"raspberrypi,rp1-gpio\";" \
		"			reg = <0xc0 0x400d0000 0x0 0xc000>;" \
		"			gpio-controller;" \
		"			#gpio-cells = <2>;" \
		"			interrupt-controller;" \
		"			#interrupt-cells = <2>;"
	rp1_pins
	emit "		};"
	rp1_devices
	# rp1 and pcie@120000; /axi closes below
	emit "			};" "		};"
	emit "	};" "" \
		"	leds: leds {" \
		"		compatible = \"gpio-leds\";" \
		"		led_act: led-act {" \
		"			gpios = <&gio 9 0>;" \
		"			linux,default-trigger = \"mmc0\";" \
		"		};" \
		"	};" "" \
		"	fan: cooling-fan {" \
		"		compatible = \"pwm-fan\";" \
		"		#cooling-cells = <2>;" \
		"		pwms = <&rp1_pwm1 3 41566 1>;" \
		"		cooling-levels = <0 75 125 175 250>;" \
		"		status = \"disabled\";" \
		"	};" "" \
		"	thermal-zones {" \
		"		cpu_thermal: cpu-thermal {" \
		"			polling-delay-passive = <2000>;" \
		"			polling-delay = <1000>;" \
		"			trips: trips {"
	for ((i = 0; i < 4; i++)); do
		emit "				cpu_tepid$i: cpu-tepid-$i {" \
			"					temperature = <$((50000 + i * 10000))>;" \
			"					hysteresis = <2000>;" \
			"					type = \"active\";" \
			"				};"
	done
	emit "			};" \
		"			cooling_maps: cooling-maps {" \
		"			};" \
		"		};" \
		"	};" "};"
}

if (($#)); then
	tree >"$1"
else
	tree
fi
