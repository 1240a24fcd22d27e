# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config for the test bed. The QEMU arguments and the kernel
# command line live in config/qemu.args, config/beds and config/kernel.cmdline,
# which the initramfs boot (scripts/boot.sh) reads too. The bed is
# $HARNESS_BED (sl unless set).
import os

from ..qemu_config import QemuArchParams

_HERE = os.path.dirname(os.path.abspath(__file__))


def _read(name):
	with open(os.path.join(_HERE, name)) as f:
		return [l.strip() for l in f if l.strip() and not l.startswith('#')]


def _bed_device():
	bed = os.environ.get('HARNESS_BED', 'sl')
	for line in _read('beds'):
		name, dev = line.split(None, 1)
		if name == bed:
			return ['-device', dev.strip()]
	raise ValueError('unknown test bed %r (see config/beds)' % bed)


QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line=' '.join(_read('kernel.cmdline')),
			   extra_qemu_params=_bed_device() + _read('qemu.args'))
