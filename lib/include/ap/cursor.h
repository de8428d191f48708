/* Bounded little-endian reader over a byte span (CONVENTIONS §5): never reads past the end,
 * never casts structs onto file bytes. */
#ifndef AP_CURSOR_H
#define AP_CURSOR_H

#include <stddef.h>
#include <stdint.h>

struct ap_cursor {
	const uint8_t *p;
	size_t len;
	size_t pos;
};

static inline void ap_cursor_init(struct ap_cursor *c, const void *p, size_t len)
{
	c->p = (const uint8_t *)p;
	c->len = len;
	c->pos = 0;
}

static inline size_t ap_cursor_left(const struct ap_cursor *c)
{
	return c->len - c->pos;
}

static inline uint16_t ap_le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | (b[1] << 8));
}

static inline uint32_t ap_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
	       ((uint32_t)b[3] << 24);
}

static inline uint64_t ap_le64(const uint8_t *b)
{
	return (uint64_t)ap_le32(b) | ((uint64_t)ap_le32(b + 4) << 32);
}

/* Each reader returns 0, or -1 (cursor unchanged) when fewer bytes are left. */
static inline int ap_cursor_u8(struct ap_cursor *c, uint8_t *v)
{
	if (ap_cursor_left(c) < 1)
		return -1;
	*v = c->p[c->pos++];
	return 0;
}

static inline int ap_cursor_u16(struct ap_cursor *c, uint16_t *v)
{
	if (ap_cursor_left(c) < 2)
		return -1;
	*v = ap_le16(c->p + c->pos);
	c->pos += 2;
	return 0;
}

static inline int ap_cursor_u32(struct ap_cursor *c, uint32_t *v)
{
	if (ap_cursor_left(c) < 4)
		return -1;
	*v = ap_le32(c->p + c->pos);
	c->pos += 4;
	return 0;
}

static inline int ap_cursor_u64(struct ap_cursor *c, uint64_t *v)
{
	if (ap_cursor_left(c) < 8)
		return -1;
	*v = ap_le64(c->p + c->pos);
	c->pos += 8;
	return 0;
}

static inline int ap_cursor_i64(struct ap_cursor *c, int64_t *v)
{
	uint64_t u;

	if (ap_cursor_u64(c, &u) < 0)
		return -1;
	*v = (int64_t)u;
	return 0;
}

/* Borrows n bytes (pointer into the span). */
static inline int ap_cursor_bytes(struct ap_cursor *c, size_t n, const uint8_t **out)
{
	if (ap_cursor_left(c) < n)
		return -1;
	*out = c->p + c->pos;
	c->pos += n;
	return 0;
}

static inline int ap_cursor_skip(struct ap_cursor *c, size_t n)
{
	if (ap_cursor_left(c) < n)
		return -1;
	c->pos += n;
	return 0;
}

#endif
