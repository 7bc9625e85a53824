/* SPDX-License-Identifier: MIT */
/* Guest-physical memory: allocation of the RAM blocks and the region map. */
#include "host_ops.h"
#include "lib/string.h"
#include "log.h"
#include "mem.h"
#include "vm.h"

static int add_region(struct v3_mem_map *m, const struct v3_mem_region *r)
{
	struct v3_mem_region *copy = v3_malloc(sizeof(*copy));
	int rc;

	if (!copy)
		return -V3_ENOMEM;
	*copy = *r;
	rc = v3_range_table_insert(&m->regions, r->start, r->end, copy);
	if (rc)
		v3_free(copy);
	return rc;
}

/*
 * One block when the host has it; otherwise the largest blocks it can give,
 * halving down to the configured alignment (a block never straddles an
 * alignment boundary, so nested paging keeps its large pages).
 */
static int alloc_ram(struct v3_vm *vm)
{
	struct v3_mem_map *m = &vm->mem;
	u64 align = vm->cfg.mem_align, left = vm->cfg.mem_size, chunk = left, gpa = 0;

	while (left) {
		u64 npages, hpa;

		if (chunk > left)
			chunk = left;
		if (m->nblocks == V3_MEM_MAX_BLOCKS) {
			v3_err("vm %s: %lu MiB of guest memory need more than %u host blocks",
			       vm->name, vm->cfg.mem_size >> 20, V3_MEM_MAX_BLOCKS);
			return -V3_ENOMEM;
		}
		npages = chunk >> V3_PAGE_SHIFT;
		/* A block of exactly align must be aligned too, or its large page is lost. */
		hpa = v3_host->alloc_pages(npages, align <= chunk ? align : V3_PAGE_SIZE,
					   V3_NUMA_ANY);
		if (!hpa) {
			if (chunk <= align) {
				v3_err("vm %s: cannot allocate %lu MiB of guest memory (%lu MiB left "
				       "to place, no block of %lu KiB)", vm->name, vm->cfg.mem_size >> 20,
				       left >> 20, chunk >> 10);
				return -V3_ENOMEM;
			}
			chunk = V3_ALIGN_DOWN(chunk / 2, align);
			if (!chunk)
				chunk = align;
			continue;
		}
		m->blocks[m->nblocks++] = (struct v3_mem_block){
			.gpa = gpa, .hpa = hpa, .size = chunk, .hva = v3_host->paddr_to_vaddr(hpa),
		};
		v3_memset(m->blocks[m->nblocks - 1].hva, 0, chunk);
		gpa += chunk;
		left -= chunk;
	}
	return 0;
}

int v3_mem_init(struct v3_vm *vm)
{
	struct v3_mem_map *m = &vm->mem;
	int rc;

	v3_range_table_init(&m->regions);
	m->ram_size = vm->cfg.mem_size;
	rc = alloc_ram(vm);
	for (unsigned int i = 0; !rc && i < m->nblocks; i++) {
		struct v3_mem_region r = {
			.start = m->blocks[i].gpa,
			.end = m->blocks[i].gpa + m->blocks[i].size,
			.kind = V3_REGION_RAM,
			.hpa = m->blocks[i].hpa,
		};

		rc = add_region(m, &r);
	}
	if (rc)
		v3_mem_deinit(vm);
	return rc;
}

void v3_mem_deinit(struct v3_vm *vm)
{
	struct v3_mem_map *m = &vm->mem;

	for (size_t i = 0; i < m->regions.count; i++)
		v3_free(m->regions.ranges[i].priv);
	v3_range_table_destroy(&m->regions);
	for (unsigned int i = 0; i < m->nblocks; i++)
		v3_host->free_pages(m->blocks[i].hpa, m->blocks[i].size >> V3_PAGE_SHIFT);
	m->nblocks = 0;
}

const struct v3_mem_region *v3_mem_lookup(const struct v3_vm *vm, u64 gpa)
{
	const struct v3_range *r = v3_range_table_find(&vm->mem.regions, gpa);

	return r ? r->priv : NULL;
}

void *v3_gpa_to_hva(const struct v3_vm *vm, u64 gpa, u64 len)
{
	for (unsigned int i = 0; i < vm->mem.nblocks; i++) {
		const struct v3_mem_block *b = &vm->mem.blocks[i];

		if (gpa >= b->gpa && gpa - b->gpa < b->size)
			return len <= b->size - (gpa - b->gpa) ? b->hva + (gpa - b->gpa) : NULL;
	}
	return NULL;
}

static int gpa_copy(const struct v3_vm *vm, u64 gpa, void *buf, u64 len, bool write)
{
	u8 *p = buf;

	while (len) {
		const struct v3_mem_region *r = v3_mem_lookup(vm, gpa);
		u64 n;
		u8 *hva;

		if (!r || r->kind == V3_REGION_MMIO)
			return -V3_EFAULT;
		if (write && r->kind == V3_REGION_ROM)
			return -V3_EFAULT;
		n = r->end - gpa < len ? r->end - gpa : len;
		hva = (u8 *)v3_host->paddr_to_vaddr(r->hpa) + (gpa - r->start);
		if (write)
			v3_memcpy(hva, p, n);
		else
			v3_memcpy(p, hva, n);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int v3_gpa_read(const struct v3_vm *vm, u64 gpa, void *buf, u64 len)
{
	return gpa_copy(vm, gpa, buf, len, false);
}

int v3_gpa_write(const struct v3_vm *vm, u64 gpa, const void *buf, u64 len)
{
	return gpa_copy(vm, gpa, (void *)buf, len, true);
}

int v3_hook_mmio(struct v3_vm *vm, u64 start, u64 end, v3_mmio_fn read, v3_mmio_fn write,
		 void *priv)
{
	struct v3_mem_region r = {
		.start = start, .end = end, .kind = V3_REGION_MMIO,
		.read = read, .write = write, .priv = priv,
	};

	if (vm->state != V3_VM_CREATED)
		return -V3_EBUSY;  /* the nested tables are built from the map at start */
	return add_region(&vm->mem, &r);
}
