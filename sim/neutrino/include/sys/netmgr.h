/*
 * sys/netmgr.h - Neutrino host model: the node-descriptor constant that QNX
 * code passes to ConnectAttach(). On QNX this header belongs to the network
 * manager interface; the model provides only ND_LOCAL_NODE, the one value a
 * single-node model can honour. Includes nothing.
 */
#ifndef NTO_SIM_SYS_NETMGR_H
#define NTO_SIM_SYS_NETMGR_H

/* QNX <sys/netmgr.h>: "ND_LOCAL_NODE for the local node" (ConnectAttach doc). */
#define ND_LOCAL_NODE 0

#endif
