/* SPDX-License-Identifier: MIT */
/* Test-and-test-and-set spinlocks; the _irq variants also disable interrupts. */
#ifndef HK_SPINLOCK_H
#define HK_SPINLOCK_H

#include <arch/x86.h>

struct hk_spinlock {
	volatile u32 locked;
};

static inline void hk_spin_lock(struct hk_spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			x86_pause();
}

static inline bool hk_spin_trylock(struct hk_spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void hk_spin_unlock(struct hk_spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool hk_spin_lock_irqsave(struct hk_spinlock *l)
{
	bool was = x86_irq_save();

	hk_spin_lock(l);
	return was;
}

static inline void hk_spin_unlock_irqrestore(struct hk_spinlock *l, bool was)
{
	hk_spin_unlock(l);
	x86_irq_restore(was);
}

#endif /* HK_SPINLOCK_H */
