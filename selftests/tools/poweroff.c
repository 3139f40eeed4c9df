// SPDX-License-Identifier: GPL-2.0
/* Power the test VM off from its init: the host's poweroff needs systemd. */
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	sync();
	reboot(RB_POWER_OFF);
	return 1;
}
