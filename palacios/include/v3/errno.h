/* SPDX-License-Identifier: MIT */
/*
 * Error codes. Functions return 0 or a negative code from this list; the
 * numbers follow Linux's errno values so they read the same in logs and in
 * hypercall results (SYMBIOTIC-ABI.md returns -ENOSYS as -38).
 */
#ifndef V3_ERRNO_H
#define V3_ERRNO_H

#define V3_EPERM 1
#define V3_ENOENT 2
#define V3_EIO 5
#define V3_E2BIG 7
#define V3_ENOMEM 12
#define V3_EFAULT 14
#define V3_EBUSY 16
#define V3_EEXIST 17
#define V3_ENODEV 19
#define V3_EINVAL 22
#define V3_ENOSPC 28
#define V3_ERANGE 34
#define V3_ENOSYS 38
#define V3_ENOTSUP 95
#define V3_ETIMEDOUT 110
/* Not an error of the caller: the VM stopped while handling this. */
#define V3_ESTOPPED 200

#endif /* V3_ERRNO_H */
