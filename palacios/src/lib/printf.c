/* SPDX-License-Identifier: MIT */
/*
 * Freestanding vsnprintf (see printf.h). Output goes through a cursor that keeps counting past
 * the end of the buffer, which gives C99's "length it would have had" return value for free.
 * Where C leaves a corner undefined (flag '0' on %s, '+' on %p) we do what glibc does, so
 * host-run tests can compare against it.
 */
#include "lib/printf.h"
#include "lib/string.h"

/* <limits.h> is not among the headers a -nostdinc build can reach; the compiler knows these. */
#define INT_MAX __INT_MAX__
#define INT_MIN (-__INT_MAX__ - 1)

/* The 'z' and 't' conversions fetch size_t/ptrdiff_t as each other's signed/unsigned twin. */
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "size_t and ptrdiff_t differ in size");

enum {
	FL_MINUS = 1 << 0, /* left-justify */
	FL_ZERO = 1 << 1,  /* pad numbers with '0' */
	FL_PLUS = 1 << 2,  /* '+' on non-negative signed numbers */
	FL_SPACE = 1 << 3, /* ' ' on non-negative signed numbers */
	FL_ALT = 1 << 4,   /* '#': 0x prefix, leading octal 0 */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

struct spec {
	unsigned int flags;
	int width;
	int prec; /* -1: none given */
	enum length len;
	char conv;
};

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, written or not */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_mem(struct out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

/* n may be as large as INT_MAX: what fits in the buffer is written, all of it is counted. */
static void out_repeat(struct out *o, char c, size_t n)
{
	size_t room = o->len + 1 < o->size ? o->size - 1 - o->len : 0;
	size_t fill = n < room ? n : room;

	if (fill)
		v3_memset(o->buf + o->len, c, fill);
	o->len += n;
}

static size_t positive(long v)
{
	return v > 0 ? (size_t)v : 0;
}

static void pad_left(struct out *o, const struct spec *sp, size_t body)
{
	if (!(sp->flags & FL_MINUS))
		out_repeat(o, ' ', positive((long)sp->width - (long)body));
}

static void pad_right(struct out *o, const struct spec *sp, size_t body)
{
	if (sp->flags & FL_MINUS)
		out_repeat(o, ' ', positive((long)sp->width - (long)body));
}

/*
 * One integer conversion. The layout is
 *   [spaces] [sign] [0x] [zeros to precision or width] digits [spaces]
 * where precision defaults to 1 (so 0 prints "0" unless the precision is explicitly 0).
 */
static void format_int(struct out *o, const struct spec *sp, u64 val, bool neg, unsigned int base)
{
	const char *xdigits = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24]; /* 22 octal digits for 64 bits */
	size_t nd = 0, zeros, body;
	const char *prefix = "";
	char sign = 0;
	long prec = sp->prec < 0 ? 1 : sp->prec;

	for (; val; val /= base)
		digits[sizeof(digits) - ++nd] = xdigits[val % base];

	if (neg)
		sign = '-';
	else if (sp->flags & FL_PLUS)
		sign = '+';
	else if (sp->flags & FL_SPACE)
		sign = ' ';

	if (sp->conv == 'p') {
		prefix = "0x";
		if (prec < 1)
			prec = 1; /* "%.0p" of NULL is "0x0", not a bare "0x" */
	} else if ((sp->flags & FL_ALT) && base == 16 && nd) {
		prefix = sp->conv == 'X' ? "0X" : "0x";
	} else if ((sp->flags & FL_ALT) && base == 8 && prec <= (long)nd) {
		prec = nd + 1; /* digits[] never starts with 0, so one more digit is the 0 */
	}

	zeros = positive(prec - (long)nd);
	body = (sign ? 1 : 0) + v3_strlen(prefix) + zeros + nd;
	/* '0' pads with zeros only when neither '-' nor a precision is given. */
	if ((sp->flags & (FL_ZERO | FL_MINUS)) == FL_ZERO && sp->prec < 0) {
		size_t fill = positive((long)sp->width - (long)body);

		zeros += fill;
		body += fill;
	}

	pad_left(o, sp, body);
	if (sign)
		out_char(o, sign);
	out_mem(o, prefix, v3_strlen(prefix));
	out_repeat(o, '0', zeros);
	out_mem(o, digits + sizeof(digits) - nd, nd);
	pad_right(o, sp, body);
}

static void format_str(struct out *o, const struct spec *sp, const char *s)
{
	size_t n;

	/* glibc prints "(null)" whole or not at all. */
	if (!s)
		s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
	n = sp->prec < 0 ? v3_strlen(s) : v3_strnlen(s, sp->prec);

	pad_left(o, sp, n);
	out_mem(o, s, n);
	pad_right(o, sp, n);
}

static s64 fetch_signed(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static u64 fetch_unsigned(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Decimal digits at *fmt, saturating at INT_MAX. */
static int parse_num(const char **fmt)
{
	int v = 0;

	for (; v3_isdigit(**fmt); (*fmt)++) {
		int d = **fmt - '0';

		v = v > (INT_MAX - d) / 10 ? INT_MAX : v * 10 + d;
	}
	return v;
}

static unsigned int parse_flags(const char **fmt)
{
	unsigned int flags = 0;

	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-':
			flags |= FL_MINUS;
			break;
		case '0':
			flags |= FL_ZERO;
			break;
		case '+':
			flags |= FL_PLUS;
			break;
		case ' ':
			flags |= FL_SPACE;
			break;
		case '#':
			flags |= FL_ALT;
			break;
		default:
			return flags;
		}
	}
}

static enum length parse_length(const char **fmt)
{
	const char *f = *fmt;
	enum length len = LEN_NONE;

	switch (*f) {
	case 'h':
		len = f[1] == 'h' ? LEN_HH : LEN_H;
		break;
	case 'l':
		len = f[1] == 'l' ? LEN_LL : LEN_L;
		break;
	case 'z':
		len = LEN_Z;
		break;
	case 'j':
		len = LEN_J;
		break;
	case 't':
		len = LEN_T;
		break;
	default:
		return LEN_NONE;
	}
	*fmt += (len == LEN_HH || len == LEN_LL) ? 2 : 1;
	return len;
}

/* Parse everything between '%' and the conversion character; *fmt ends on the conversion. */
static void parse_spec(struct spec *sp, const char **fmt, va_list *ap)
{
	sp->flags = parse_flags(fmt);

	sp->width = 0;
	if (**fmt == '*') {
		int w = va_arg(*ap, int);

		(*fmt)++;
		/* A negative '*' width means '-' and its magnitude (INT_MIN has none: clamp). */
		if (w < 0) {
			sp->flags |= FL_MINUS;
			w = w == INT_MIN ? INT_MAX : -w;
		}
		sp->width = w;
	} else {
		sp->width = parse_num(fmt);
	}

	sp->prec = -1;
	if (**fmt == '.') {
		(*fmt)++;
		if (**fmt == '*') {
			int p = va_arg(*ap, int);

			(*fmt)++;
			sp->prec = p < 0 ? -1 : p; /* negative means "no precision" */
		} else {
			sp->prec = parse_num(fmt);
		}
	}

	sp->len = parse_length(fmt);
	sp->conv = **fmt;
}

/* Format one conversion; false if conv is not one we know. */
static bool format_one(struct out *o, struct spec *sp, va_list *ap)
{
	s64 sv;

	switch (sp->conv) {
	case 'd':
	case 'i':
		sv = fetch_signed(sp->len, ap);
		/* Negate as u64: -INT64_MIN does not fit in s64. */
		format_int(o, sp, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10);
		return true;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		sp->flags &= ~(FL_PLUS | FL_SPACE);
		format_int(o, sp, fetch_unsigned(sp->len, ap), false,
			   sp->conv == 'u' ? 10 : sp->conv == 'o' ? 8 : 16);
		return true;
	case 'p':
		/* Sign flags are kept: glibc prints "+0x..." for %+p. */
		format_int(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16);
		return true;
	case 'c': {
		char c = (char)va_arg(*ap, int);

		pad_left(o, sp, 1);
		out_char(o, c);
		pad_right(o, sp, 1);
		return true;
	}
	case 's':
		format_str(o, sp, va_arg(*ap, const char *));
		return true;
	case '%':
		/* glibc ignores width and flags here. */
		out_char(o, '%');
		return true;
	default:
		return false;
	}
}

int v3_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	va_list args;

	/* Helpers take a pointer: va_arg on a va_list passed by value is not portable. */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		struct spec sp;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&sp, &fmt, &args);
		if (!sp.conv) {
			/* A '%' with no conversion at the very end: print what there is. */
			out_mem(&o, start, fmt - start);
			break;
		}
		fmt++;
		if (!format_one(&o, &sp, &args))
			out_mem(&o, start, fmt - start);
	}
	va_end(args);

	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}

int v3_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = v3_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
