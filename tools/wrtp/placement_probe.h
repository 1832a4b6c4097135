/*
 * placement_probe.h - what the placement check and bench rows of wrtp ask
 * the host (defined in checks_placement.c). Includes nothing.
 */
#ifndef WRTP_PLACEMENT_PROBE_H
#define WRTP_PLACEMENT_PROBE_H

/* HugePages_Free of /proc/meminfo: reserved hugetlb pages free now (0 when
 * unknown). */
long wrtp_hugetlb_free(void);

#endif
