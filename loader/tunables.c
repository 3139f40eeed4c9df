// SPDX-License-Identifier: GPL-2.0
/*
 * The tunables of a policy are its `const volatile` variables: the .rodata
 * datasec, and its initial contents, which libbpf loads as they are here.
 * --set VAR=VALUE patches them before the object loads; info lists them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmpolicy.h"

static const struct btf_type *rodata_of(struct bpf_object *obj, void **data,
					size_t *size)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *sec;
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (!btf || !bpf_map__is_internal(map) ||
		    !strstr(bpf_map__name(map), ".rodata"))
			continue;
		sec = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
		*data = bpf_map__initial_value(map, size);
		if (sec && *data && btf_is_datasec(sec))
			return sec;
	}
	return NULL;
}

/*
 * Does the variable lie within the datasec's @sz bytes? Its offset comes
 * from the object's symbol table, so anything up to 4 GiB: offset + size
 * could wrap around in 32 bits.
 */
static bool var_in_data(const struct btf_var_secinfo *vs, size_t sz)
{
	return vs->size <= sz && vs->offset <= sz - vs->size;
}

/* How a tunable is stored, from its BTF type. */
struct tunable_type {
	unsigned int bits;
	bool is_signed;
	bool is_bool;
	bool is_enum;
};

static int tunable_type_of(const struct btf *btf, __u32 type_id, __u32 size,
			   struct tunable_type *tt)
{
	const struct btf_type *t;

	t = btf__type_by_id(btf, btf__resolve_type(btf, type_id));
	if (!t)
		return -EINVAL;
	memset(tt, 0, sizeof(*tt));
	if (btf_is_int(t)) {
		if (btf_int_offset(t))
			return -EINVAL;
		tt->bits = btf_int_bits(t);
		tt->is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
		tt->is_bool = btf_int_encoding(t) & BTF_INT_BOOL;
	} else if (btf_is_any_enum(t)) {
		tt->bits = t->size * 8;
		tt->is_signed = btf_kflag(t);
		tt->is_enum = true;
	} else {
		return -EINVAL;
	}
	if (!tt->bits || tt->bits > 64 || tt->bits > size * 8)
		return -EINVAL;
	return 0;
}

static void describe_type(const struct tunable_type *tt, char *buf, size_t len)
{
	if (tt->is_bool)
		snprintf(buf, len, "bool");
	else
		snprintf(buf, len, "%u-bit %s %s", tt->bits,
			 tt->is_signed ? "signed" : "unsigned",
			 tt->is_enum ? "enum" : "integer");
}

static const char *article(const struct tunable_type *tt)
{
	return tt->bits == 8 && !tt->is_bool ? "an" : "a";
}

/* "does not fit": say the range the variable holds. */
static int out_of_range(const char *name, const char *val,
			const struct tunable_type *tt)
{
	char what[48];

	describe_type(tt, what, sizeof(what));
	if (tt->is_signed)
		err("--set %s=%s: %s is %s %s: %s does not fit (%lld..%lld)",
		    name, val, name, article(tt), what, val,
		    tt->bits == 64 ? (long long)INT64_MIN : -(1LL << (tt->bits - 1)),
		    tt->bits == 64 ? (long long)INT64_MAX : (1LL << (tt->bits - 1)) - 1);
	else
		err("--set %s=%s: %s is %s %s: %s does not fit (0..%llu)",
		    name, val, name, article(tt), what, val,
		    tt->bits == 64 ? (unsigned long long)UINT64_MAX :
		    (1ULL << tt->bits) - 1);
	return EXIT_USAGE;
}

/*
 * A tunable's value: base 10 (leading zeros do not make it octal: 010 is
 * ten), or hexadecimal with 0x; a minus sign for signed types only; it must
 * fit the variable. A bool takes 0, 1, true or false and nothing else.
 */
static int parse_tunable(const char *name, const char *val,
			 const struct tunable_type *tt, __u64 *out)
{
	const char *d = val;
	char what[48], *end;
	int base = 10;

	describe_type(tt, what, sizeof(what));
	if (tt->is_bool) {
		if (!strcmp(val, "1") || !strcmp(val, "true"))
			*out = 1;
		else if (!strcmp(val, "0") || !strcmp(val, "false"))
			*out = 0;
		else {
			err("--set %s=%s: %s is a bool: give 0, 1, true or false",
			    name, val, name);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (!strcmp(val, "true") || !strcmp(val, "false")) {
		err("--set %s=%s: %s is %s %s, not a bool: give a number",
		    name, val, name, article(tt), what);
		return EXIT_USAGE;
	}
	if (*d == '-')
		d++;
	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
		base = 16;
		d += 2;
	}
	if (!*d || strspn(d, base == 16 ? "0123456789abcdefABCDEF" :
			  "0123456789") != strlen(d)) {
		err("--set %s=%s: '%s' is not a number (decimal, or hexadecimal with 0x)",
		    name, val, val);
		return EXIT_USAGE;
	}
	errno = 0;
	if (tt->is_signed) {
		long long v = strtoll(val, &end, base);

		if (errno == ERANGE || *end ||
		    (tt->bits < 64 && (v < -(1LL << (tt->bits - 1)) ||
				       v > (1LL << (tt->bits - 1)) - 1)))
			return out_of_range(name, val, tt);
		*out = v;
	} else {
		unsigned long long v;

		if (*val == '-')
			return out_of_range(name, val, tt);
		v = strtoull(val, &end, base);
		if (errno == ERANGE || *end || (tt->bits < 64 && v >> tt->bits))
			return out_of_range(name, val, tt);
		*out = v;
	}
	return EXIT_OK;
}

/* Through memcpy: a broken object may place the variable misaligned. */
static void store_tunable(void *p, __u32 size, __u64 v)
{
	union { __u8 u8; __u16 u16; __u32 u32; __u64 u64; } x;

	switch (size) {
	case 1: x.u8 = v; break;
	case 2: x.u16 = v; break;
	case 4: x.u32 = v; break;
	case 8: x.u64 = v; break;
	default: return;
	}
	memcpy(p, &x, size);
}

/* --set NAME=VALUE: patch a `const volatile` variable in .rodata. */
int apply_set(struct bpf_object *obj, const char *assign)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *var;
	struct tunable_type tt;
	const char *eq, *val;
	const struct btf *btf;
	char name[128];
	size_t sz;
	void *data;
	__u64 v = 0;
	int i, ret;

	eq = strchr(assign, '=');
	if (!eq || eq == assign || (size_t)(eq - assign) >= sizeof(name)) {
		err("--set takes NAME=VALUE, not '%s'", assign);
		return EXIT_USAGE;
	}
	memcpy(name, assign, eq - assign);
	name[eq - assign] = '\0';
	val = eq + 1;

	btf = bpf_object__btf(obj);
	sec = rodata_of(obj, &data, &sz);
	if (!sec)
		goto unknown;

	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		var = btf__type_by_id(btf, vs->type);
		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (!var_in_data(vs, sz) ||
		    (vs->size != 1 && vs->size != 2 && vs->size != 4 &&
		     vs->size != 8) ||
		    tunable_type_of(btf, var->type, vs->size, &tt)) {
			err("tunable '%s' is not an integer, bool or enum; cannot set it",
			    name);
			return EXIT_USAGE;
		}
		ret = parse_tunable(name, val, &tt, &v);
		if (ret)
			return ret;
		store_tunable(data + vs->offset, vs->size, v);
		return EXIT_OK;
	}
unknown:
	err("this policy has no tunable '%s' (tunables: 'mmpolicy info OBJ')", name);
	return EXIT_USAGE;
}

/* For info: each tunable, its default value and its type. */
void print_tunables(struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *var;
	size_t sz;
	void *data;
	int i;

	sec = rodata_of(obj, &data, &sz);
	vs = sec ? btf_var_secinfos(sec) : NULL;
	for (i = 0; sec && i < btf_vlen(sec); i++, vs++) {
		struct tunable_type tt;
		char what[48];
		__u64 v = 0;

		var = btf__type_by_id(btf, vs->type);
		if (vs->size > 8 || !var_in_data(vs, sz) ||
		    tunable_type_of(btf, var->type, vs->size, &tt))
			continue;
		memcpy(&v, data + vs->offset, vs->size);
		if (tt.bits < 64)
			v &= (1ULL << tt.bits) - 1;
		describe_type(&tt, what, sizeof(what));
		if (tt.is_signed && tt.bits < 64 && (v >> (tt.bits - 1)) & 1)
			v -= 1ULL << tt.bits;	/* sign-extend */
		if (tt.is_signed)
			printf("tunable %-18s default %lld (%s)\n",
			       btf__name_by_offset(btf, var->name_off),
			       (long long)v, what);
		else
			printf("tunable %-18s default %llu (%s)\n",
			       btf__name_by_offset(btf, var->name_off),
			       (unsigned long long)v, what);
	}
}
