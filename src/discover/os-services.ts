/**
 * What the operating system runs for itself: not worth supervising from a homelab repo, so
 * discovery leaves it out. Matched against the unit or process name without `.service`;
 * a trailing `*` matches a prefix.
 */
const OS_SERVICES = [
  'accounts-daemon', 'acpid', 'apparmor', 'atd', 'auditd', 'avahi-daemon', 'bluetooth', 'chrony', 'chronyd',
  'colord', 'console-setup', 'containerd', 'cron', 'crond', 'cups', 'cups-browsed', 'cupsd', 'dbus', 'dbus-broker',
  'dbus-daemon', 'docker', 'docker-proxy', 'dockerd', 'firewalld', 'fwupd', 'gdm', 'getty@*', 'haveged', 'irqbalance',
  'kerneloops', 'lightdm', 'lvm2-*', 'ModemManager', 'multipathd', 'networkd-dispatcher', 'NetworkManager', 'ntp',
  'ntpd', 'ntpsec', 'open-vm-tools', 'packagekit', 'polkit', 'polkitd', 'power-profiles-daemon', 'qemu-guest-agent',
  'rpcbind', 'rsyslog', 'rsyslogd', 'rtkit-daemon', 'sddm', 'serial-getty@*', 'smartd', 'snapd', 'ssh', 'sshd',
  'switcheroo-control', 'systemd-*', 'thermald', 'udisks2', 'udisksd', 'ufw', 'unattended-upgrades', 'upower',
  'upowerd', 'user@*', 'user-runtime-dir@*', 'vgauth', 'whoopsie', 'wpa_supplicant',
];

export function isOsService(name: string): boolean {
  const bare = name.replace(/\.service$/, '');
  return OS_SERVICES.some((pattern) => (pattern.endsWith('*') ? bare.startsWith(pattern.slice(0, -1)) : bare === pattern));
}
