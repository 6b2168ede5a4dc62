/**
 * Connection flag bits, with the kernel's values (include/uapi/linux/ip_vs.h IP_VS_CONN_F_*),
 * so sync messages and /proc-style listings can carry them unchanged.
 */
export const CONN_F_NOOUTPUT = 0x0080;
export const CONN_F_INACTIVE = 0x0100;
export const CONN_F_NO_CPORT = 0x0800;
export const CONN_F_TEMPLATE = 0x1000;
export const CONN_F_ONE_PACKET = 0x2000;
