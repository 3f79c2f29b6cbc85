/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <assert.h>

#include "lib/hashmap.h"
#include "lib/metrics.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "model/conn_index.h"
#include "model/model.h"
#include "parse/lines.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"

/*
 * Counter semantics (doc/metrics.md):
 *  - a connection's byte counter = retired + sum over its live SAs of
 *    (base + last raw value);
 *  - an SA that disappears from trafficstatus adds its final value to its
 *    connection's retired total (a rekey creates a new serial from 0);
 *  - 3.x/4.x print inBytes (and before 4.8 outBytes) through a 32-bit
 *    unsigned: when the same serial's value goes down, base += 2^32;
 *  - a 64-bit value that goes down on the same serial, or a serial that
 *    comes back with another connection or add_time (pluto restarted and
 *    reused it), is a new SA: the old one is retired first.
 * So the counter never decreases while the exporter runs.
 */

#define WRAP_32 (UINT64_C(1) << 32)

/* How many keys ahead a loop of look-ups asks for its map slot. */
#define PREFETCH_KEYS 4

/* Sources' areas per connection: few. */
#define MODEL_MAX_AREAS 8

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

struct model_sa {
	uint64_t serial;
	const char *key; /* the decimal serial: its key in struct model.sas, which borrows it */
	const char *conn_key;	/* map key of the model_conn this SA counts towards */
	struct model_conn *conn; /* that connection, set by each cycle that lists the SA: valid only
				  * while cycle is the model's */
	char *username;		/* XAUTH/CP user, NULL if none */
	uint64_t add_time;
	uint64_t last_in;	/* last raw values as printed */
	uint64_t last_out;
	uint64_t in_base;	/* 2^32 per observed wrap */
	uint64_t out_base;
	uint64_t cycle;
	char strings[];		/* key and conn_key: one allocation with the SA */
};

/* A source's area in every connection. */
struct conn_area {
	size_t offset;		/* from the start of the connection */
	size_t cycle_size;	/* zeroed at the start of every cycle */
	model_area_free_fn free_fn;
};

struct model {
	struct model_options opt;
	struct hashmap conns;	/* map_key -> struct model_conn (borrowed keys) */
	struct hashmap sas;	/* decimal serial -> struct model_sa (borrowed keys) */
	struct hashmap users;	/* username -> struct model_user */
	struct hashmap groups;	/* names of group connections (OE "private") -> (void *)1 */
	struct conn_index index;	/* the connections sorted, and the look-up cursor */
	struct conn_area areas[MODEL_MAX_AREAS];
	size_t n_areas;
	size_t conn_size; /* struct model_conn and the areas: where a connection's strings begin */
	uint64_t cycle;
	bool status_ok;		/* this cycle read pluto's connection list */
	bool traffic_ok;
	bool ever_status;	/* a cycle ever read it (the model knows pluto's connection list) */
	struct model_user other_user;	/* the "_other" bucket */
	struct strbuf keybuf;		/* scratch for map keys */
	struct strbuf labelbuf;		/* scratch for a new connection's label set */
	struct strbuf prefetchbuf;	/* scratch for the map key of a look-up ahead */
	struct model_conn
		*last_lookup;	/* the connection the last look-up found (states come grouped) */
	size_t conns_touched;	/* connections listed or with SAs this cycle (the others may go) */
};

struct model *model_new(const struct model_options *opt)
{
	struct model *m = xcalloc(1, sizeof(*m));

	m->opt = *opt;
	m->conns = (struct hashmap)HASHMAP_INIT_BORROWED;
	m->sas = (struct hashmap)HASHMAP_INIT_BORROWED;
	m->other_user.name = xstrdup("_other");
	m->conn_size = ALIGN8(sizeof(struct model_conn));
	return m;
}

size_t model_add_conn_area(struct model *m, size_t size, size_t cycle_size,
			   model_area_free_fn free_fn)
{
	size_t offset = m->conn_size;

	assert(m->n_areas < MODEL_MAX_AREAS && m->conns.n_items == 0 && cycle_size <= size);
	m->areas[m->n_areas++] = (struct conn_area){ .offset = offset,
						     .cycle_size = cycle_size,
						     .free_fn = free_fn };
	m->conn_size += ALIGN8(size);
	return offset;
}

static struct model_conn *conn_free(const struct model *m, struct model_conn *c)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < m->n_areas; i++)
		if (m->areas[i].free_fn)
			m->areas[i].free_fn(model_conn_area(c, m->areas[i].offset));
	free(c->local);
	free(c->remote);
	free(c);
	return NULL;
}

static void sa_free(struct model_sa *s)
{
	free(s->username);
	free(s);
}

static void user_free(struct model_user *u)
{
	free(u->name);
	free(u->lease);
	free(u->conn_key);
	free(u);
}

struct model *model_free(struct model *m)
{
	size_t i = 0;
	void *v;

	if (!m)
		return NULL;
	while (hashmap_next(&m->conns, &i, NULL, &v))
		conn_free(m, v);
	i = 0;
	while (hashmap_next(&m->sas, &i, NULL, &v))
		sa_free(v);
	i = 0;
	while (hashmap_next(&m->users, &i, NULL, &v))
		user_free(v);
	hashmap_clear(&m->conns);
	conn_index_release(&m->index);
	hashmap_clear(&m->sas);
	hashmap_clear(&m->users);
	hashmap_clear(&m->groups);
	free(m->other_user.name);
	free(m->other_user.lease);
	free(m->other_user.conn_key);
	strbuf_release(&m->keybuf);
	strbuf_release(&m->labelbuf);
	strbuf_release(&m->prefetchbuf);
	free(m);
	return NULL;
}

const char *model_conn_kind_to_string(enum conn_kind k)
{
	switch (k) {
	case CONN_KIND_STATIC:
		return "static";
	case CONN_KIND_TEMPLATE:
		return "template";
	case CONN_KIND_GROUP:
		return "group";
	}
	return "static";
}

const char *model_event_to_string(enum model_event e)
{
	switch (e) {
	case MODEL_EVENT_REKEY:
		return "rekey";
	case MODEL_EVENT_REPLACE:
		return "replace";
	case MODEL_EVENT_EXPIRE:
		return "expire";
	case _MODEL_EVENT_MAX:
		break;
	}
	return "?";
}

/* Length of the connection name a (name) folds into: a group member GROUP#SUBNET folds into GROUP.
 */
static size_t fold_len(const struct model *m, const char *name)
{
	const char *hash = strchr(name, '#');

	/* A group member is named GROUP#SUBNET; fold it when GROUP is a loaded group. */
	if (hash && hash != name && m->groups.n_items > 0) {
		char prefix[LINE_MAX_LEN + 1];
		size_t n = (size_t)(hash - name);

		if (n <= LINE_MAX_LEN) {
			memcpy(prefix, name, n);
			prefix[n] = '\0';
			if (hashmap_get(&m->groups, prefix))
				return n;
		}
	}
	return strlen(name);
}

/* Write the map key of (name, instance) into sb: the folded name, plus \x1f and the instance label
 * with per-instance series. Returns the length of the base name within it. */
static size_t conn_map_key_into(const struct model *m, struct strbuf *sb, const char *name,
				const char *instance)
{
	size_t base_len = fold_len(m, name);

	strbuf_reset(sb);
	strbuf_append(sb, name, base_len);
	if (m->opt.per_instance && (name[base_len] || (instance && instance[0]))) {
		strbuf_putc(sb, '\x1f');
		strbuf_puts(sb, name + base_len);
		strbuf_puts(sb, instance ? instance : "");
	}
	return base_len;
}

void model_fold_name(const struct model *m, const char *name, const char *instance, char **ret_base,
		     char **ret_instance)
{
	size_t base_len = fold_len(m, name);

	*ret_base = xstrndup(name, base_len);
	if (m->opt.per_instance) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_puts(&sb, name + base_len);
		strbuf_puts(&sb, instance ? instance : "");
		*ret_instance = strbuf_detach(&sb, NULL);
	} else {
		*ret_instance = xstrdup("");
	}
}

static void conn_reset_cycle(const struct model *m, struct model_conn *c)
{
	c->loaded = false;
	c->have_info = false;
	c->expected_up = false;
	c->instances = 0;
	c->ike_established = 0;
	c->child_established = 0;
	c->traffic_sas = 0;
	c->live_in = 0;
	c->live_out = 0;
	c->newest_add_time = 0;
	for (size_t i = 0; i < _MODEL_EVENT_MAX; i++)
		c->ike_timer[i] = c->child_timer[i] = MODEL_TIMER_NONE;
	c->lastdpd = MODEL_TIMER_NONE;
	c->lastlive = MODEL_TIMER_NONE;
	for (size_t i = 0; i < m->n_areas; i++)
		memset(model_conn_area(c, m->areas[i].offset), 0, m->areas[i].cycle_size);
}

/*
 * A new connection for the map key in m->keybuf (its base name is the first base_len bytes):
 * the connection, the sources' areas and its strings are one allocation, whose key the map borrows.
 */
static struct model_conn *conn_new(struct model *m, size_t base_len)
{
	struct strbuf *k = &m->keybuf;
	bool has_instance = base_len < k->len;
	const char *instance = has_instance ? k->buf + base_len + 1 : "";
	size_t instance_len = has_instance ? k->len - base_len - 1 : 0;
	struct model_conn *c;
	char sep = k->buf[base_len];
	char *p;

	/* the label set, formatted in scratch from the base name (cut off in place for a moment) */
	k->buf[base_len] = '\0';
	{
		struct metric_label l[2] = { { "connection", k->buf },
					     { "conn_instance", instance } };

		strbuf_reset(&m->labelbuf);
		metrics_format_labels(&m->labelbuf, l, m->opt.per_instance ? 2 : 1);
	}
	k->buf[base_len] = sep;

	/* key \0 instance \0 [map_key \0] labels \0: the map key is the key when there is no
	 * instance */
	c = xmalloc(m->conn_size + base_len + 1 + instance_len + 1 +
		    (has_instance ? k->len + 1 : 0) + m->labelbuf.len + 1);
	memset(c, 0, m->conn_size);
	p = (char *)c + m->conn_size;
	c->key = p;
	memcpy(p, k->buf, base_len);
	p[base_len] = '\0';
	p += base_len + 1;
	c->instance = p;
	memcpy(p, instance, instance_len + 1);
	p += instance_len + 1;
	if (has_instance) {
		c->map_key = p;
		memcpy(p, k->buf, k->len + 1);
		p += k->len + 1;
	} else {
		c->map_key = c->key;
	}
	c->labels = p;
	c->labels_len = m->labelbuf.len;
	memcpy(p, m->labelbuf.buf, m->labelbuf.len + 1);
	conn_reset_cycle(m, c);
	return c;
}

/* The connection was listed, or has SAs, in this cycle: counted once. */
static void conn_touch(struct model *m, struct model_conn *c)
{
	if (c->cycle != m->cycle) {
		c->cycle = m->cycle;
		m->conns_touched++;
	}
}

/* Look up the connection a (name, instance) pair folds into; create it if asked. No allocation
 * unless it creates: this runs for every connection line, state and SA of every cycle. */
static struct model_conn *conn_lookup(struct model *m, const char *name, const char *instance,
				      bool create)
{
	size_t base_len = conn_map_key_into(m, &m->keybuf, name, instance);
	struct model_conn *c;

	/* a connection's states and SAs come one after the other: no hashing for the same again */
	if (m->last_lookup && streq(m->last_lookup->map_key, m->keybuf.buf))
		return m->last_lookup;
	c = conn_index_near(&m->index, m->keybuf.buf);
	if (!c) {
		c = hashmap_get(&m->conns, m->keybuf.buf);
		if (c)
			conn_index_found(&m->index, c);
	}
	if (c)
		m->last_lookup = c;
	if (c || !create)
		return c;
	c = conn_new(m, base_len);
	conn_index_add(&m->index, c);
	(void)hashmap_put(&m->conns, c->map_key, c);
	return c;
}

struct model_conn *model_conn_find(struct model *m, const char *name, const char *instance)
{
	return conn_lookup(m, name, instance, false);
}

struct model_conn *model_conn_get(const struct model *m, const char *map_key)
{
	return hashmap_get(&m->conns, map_key);
}

static void min_timer(int64_t *slot, int64_t v)
{
	if (v == STATUS_TIMER_NONE)
		return;
	if (*slot == MODEL_TIMER_NONE || v < *slot)
		*slot = v;
}

static bool is_wildcard_host(const char *h)
{
	return h && (streq(h, "%any") || startswith(h, "%opportunistic") || streq(h, "%group"));
}

/* The connection's description from its own status entry; kept (same strings) when unchanged. */
static void set_info(struct model_conn *c, const struct status_conn *sc)
{
	const char *local = sc->local_host ? sc->local_host : "";
	const char *remote = sc->remote_host ? sc->remote_host : "";
	enum conn_kind kind;

	if (sc->policy_group)
		kind = CONN_KIND_GROUP;
	else if (sc->policy_groupinstance || is_wildcard_host(sc->remote_host))
		kind = CONN_KIND_TEMPLATE;
	else
		kind = CONN_KIND_STATIC;
	if (c->local && c->ike_version == sc->ike_version && c->kind == kind &&
	    streq(c->local, local) && streq(c->remote, remote))
		return;
	c->ike_version = sc->ike_version;
	c->kind = kind;
	free(c->local);
	free(c->remote);
	c->local = xstrdup(local);
	c->remote = xstrdup(remote);
	c->info_version++;
}

/* The connection list: which connections are loaded, and what they are. */
static void apply_status_conns(struct model *m, const struct status_summary *st)
{
	/* room for every connection listed, so that a first cycle does not rehash as it goes */
	hashmap_reserve(&m->conns, st->n_conns);

	/* Group definitions first: members fold into them. */
	hashmap_clear(&m->groups);
	for (size_t i = 0; i < st->n_conns; i++)
		if (st->conns[i].policy_group && !st->conns[i].instance[0])
			(void)hashmap_put(&m->groups, st->conns[i].name, (void *)1);

	for (size_t i = 0; i < st->n_conns; i++) {
		const struct status_conn *sc = &st->conns[i];
		bool is_instance = sc->instance[0] != '\0', is_self;
		struct model_conn *c;

		/* With no sorted list yet (a first cycle), every look-up goes to the map: ask for
		 * the slot of the one a few on while this one is made. */
		if (m->index.n_sorted == 0 && i + PREFETCH_KEYS < st->n_conns) {
			(void)conn_map_key_into(m, &m->prefetchbuf,
						st->conns[i + PREFETCH_KEYS].name,
						st->conns[i + PREFETCH_KEYS].instance);
			hashmap_prefetch(&m->conns, m->prefetchbuf.buf);
		}
		c = conn_lookup(m, sc->name, sc->instance, true);
		is_self = streq(c->key, sc->name) && (!is_instance || m->opt.per_instance);

		c->loaded = true;
		conn_touch(m, c);
		if (sc->policy_up)
			c->expected_up = true;
		if (is_instance && !m->opt.per_instance)
			c->instances++;
		if (!is_self)
			continue;
		/* The template, group or static connection itself describes the series. */
		c->have_info = true;
		set_info(c, sc);
	}
}

/* The states: what is established, and its timers. */
static void apply_states(struct model *m, const struct status_summary *st)
{
	for (size_t i = 0; i < st->n_states; i++) {
		const struct status_state *ss = &st->states[i];
		struct model_conn *c = conn_lookup(m, ss->conn, ss->instance, false);
		int64_t *timers;

		if (!c)
			continue;
		if (ss->is_child && ss->category == SA_CATEGORY_ESTABLISHED_CHILD) {
			c->child_established++;
			timers = c->child_timer;
		} else if (!ss->is_child && ss->category == SA_CATEGORY_ESTABLISHED_IKE) {
			c->ike_established++;
			timers = c->ike_timer;
			if (ss->lastdpd != STATUS_TIMER_NONE && ss->lastdpd >= 0)
				min_timer(&c->lastdpd, ss->lastdpd);
			if (ss->lastlive != STATUS_TIMER_NONE && ss->lastlive >= 0)
				min_timer(&c->lastlive, ss->lastlive);
		} else {
			continue;
		}
		min_timer(&timers[MODEL_EVENT_REKEY], ss->rekey_in);
		min_timer(&timers[MODEL_EVENT_REPLACE], ss->replace_in);
		min_timer(&timers[MODEL_EVENT_EXPIRE], ss->expire_in);
	}
}

void model_apply_status(struct model *m, const struct status_summary *st)
{
	struct model_conn *const *sorted;
	size_t n;

	m->status_ok = true;
	m->ever_status = true;
	apply_status_conns(m, st);
	/* the states' look-ups follow the sorted list: new connections join it now */
	conn_index_sort(&m->index, &m->conns);
	conn_index_rewind(&m->index);
	sorted = model_sorted_conns(m, &n);
	/* A connection with live instances is a template even if its peer is a fixed address. */
	for (size_t i = 0; i < n; i++)
		if (sorted[i]->instances > 0 && sorted[i]->kind == CONN_KIND_STATIC)
			sorted[i]->kind = CONN_KIND_TEMPLATE;
	apply_states(m, st);
}

static struct model_user *user_lookup(struct model *m, const char *name, bool create)
{
	struct model_user *u = hashmap_get(&m->users, name);

	if (u || !create)
		return u;
	if (m->users.n_items >= m->opt.max_users)
		return &m->other_user;
	u = xcalloc(1, sizeof(*u));
	u->name = xstrdup(name);
	(void)hashmap_put(&m->users, name, u);
	return u;
}

/* A new SA, with its strings in the same allocation. */
static struct model_sa *sa_new(uint64_t serial, const char *key, const char *conn_key)
{
	size_t key_size = strlen(key) + 1, conn_key_size = strlen(conn_key) + 1;
	struct model_sa *s = xmalloc(sizeof(*s) + key_size + conn_key_size);

	*s = (struct model_sa){ .serial = serial };
	memcpy(s->strings, key, key_size);
	memcpy(s->strings + key_size, conn_key, conn_key_size);
	s->key = s->strings;
	s->conn_key = s->strings + key_size;
	return s;
}

/* Move an SA's final values into its connection's (and user's) retired totals. */
static void sa_retire(struct model *m, struct model_sa *s)
{
	struct model_conn *c;

	/* conn_key is the map key of the connection (base plus instance). */
	c = hashmap_get(&m->conns, s->conn_key);
	if (c) {
		c->retired_in += s->in_base + s->last_in;
		c->retired_out += s->out_base + s->last_out;
	}
	if (s->username && m->opt.per_user) {
		struct model_user *u = hashmap_get(&m->users, s->username);

		if (!u)
			u = &m->other_user;
		u->retired_in += s->in_base + s->last_in;
		u->retired_out += s->out_base + s->last_out;
	}
}

/*
 * Take a new raw byte value of one SA. A value that went down is a 32-bit wrap
 * when the format prints 32 bits (add 2^32 to the base), otherwise a replaced
 * kernel SA (retire what it had, start again from 0).
 */
static void track_bytes(uint64_t *last, uint64_t *base, uint64_t *retired, uint64_t now,
			bool wraps32)
{
	if (now < *last) {
		if (wraps32 && *last < WRAP_32) {
			*base += WRAP_32;
		} else {
			*retired += *base + *last;
			*base = 0;
		}
	}
	*last = now;
}

/* hashmap_remove_if(): an SA trafficstatus no longer lists is retired and dropped. */
static bool sa_gone(const char *key, void *value, void *userdata)
{
	struct model *m = userdata;
	struct model_sa *s = value;

	if (s->cycle == m->cycle)
		return false;
	sa_retire(m, s);
	sa_free(s);
	return true;
}

const char *model_serial_key(char buf[static MODEL_SERIAL_KEY_MAX], uint64_t serial)
{
	char *p = buf + MODEL_SERIAL_KEY_MAX - 1;

	*p = '\0';
	do {
		*--p = (char)('0' + serial % 10);
		serial /= 10;
	} while (serial);
	return p;
}

void model_apply_traffic(struct model *m, const struct traffic_list *t)
{
	char serial_key[MODEL_SERIAL_KEY_MAX], key_ahead[MODEL_SERIAL_KEY_MAX];
	size_t listed = 0;	/* SAs in the map that this list names */

	hashmap_reserve(&m->sas, t->n_sas);
	m->traffic_ok = true;
	conn_index_rewind(&m->index);
	for (size_t i = 0; i < t->n_sas; i++) {
		const struct traffic_sa *sa = &t->sas[i];
		bool in32 = t->prefixed;
		bool out32 = t->prefixed && !sa->has_max_bytes;
		const char *map_key, *key;
		struct model_conn *c;
		struct model_sa *s;

		if (i + PREFETCH_KEYS < t->n_sas)
			hashmap_prefetch(
				&m->sas,
				model_serial_key(key_ahead, t->sas[i + PREFETCH_KEYS].serial));
		c = conn_lookup(m, sa->conn, sa->instance, true);
		map_key = c->map_key;
		c->traffic_sas++;
		conn_touch(m, c);
		key = model_serial_key(serial_key, sa->serial);
		s = hashmap_get(&m->sas, key);
		if (s && (!streq(s->conn_key, map_key) ||
			  (s->add_time && sa->add_time && s->add_time != sa->add_time) ||
			  s->cycle == m->cycle)) {
			/* The serial was reused (pluto restarted) or listed twice: a different SA.
			 */
			if (s->cycle == m->cycle)
				listed--;	/* counted when it was listed first; it goes now */
			sa_retire(m, s);
			sa_free(hashmap_remove(&m->sas, key));
			s = NULL;
		}
		if (!s) {
			s = sa_new(sa->serial, key, map_key);
			s->username = sa->username ? xstrdup(sa->username) : NULL;
			(void)hashmap_put(&m->sas, s->key, s);
		}
		if (s->cycle != m->cycle)
			listed++;
		s->conn = c;
		if (sa->has_in_bytes)
			track_bytes(&s->last_in, &s->in_base, &c->retired_in, sa->in_bytes, in32);
		if (sa->has_out_bytes)
			track_bytes(&s->last_out, &s->out_base, &c->retired_out, sa->out_bytes,
				    out32);
		if (sa->add_time)
			s->add_time = sa->add_time;
		s->cycle = m->cycle;
		if (m->opt.per_user && sa->username) {
			struct model_user *u = user_lookup(m, sa->username, true);

			if (sa->lease) {
				free(u->lease);
				u->lease = xstrdup(sa->lease);
			}
			if (!u->conn_key)
				u->conn_key = xstrdup(c->key);
			u->cycle = m->cycle;
		}
	}

	/* SAs that are gone: retire them (none when the list named every SA of the map). */
	if (listed < m->sas.n_items)
		(void)hashmap_remove_if(&m->sas, sa_gone, m);
}

/* Sum the live SAs into their connections and users. */
static void sum_live(struct model *m)
{
	size_t it = 0;
	void *v;

	while (hashmap_next(&m->users, &it, NULL, &v)) {
		struct model_user *u = v;

		u->live_in = u->live_out = 0;
		u->sas = 0;
	}
	m->other_user.live_in = m->other_user.live_out = 0;
	m->other_user.sas = 0;

	it = 0;
	while (hashmap_next(&m->sas, &it, NULL, &v)) {
		struct model_sa *s = v;
		/* listed this cycle: it knows its connection; kept from before (no trafficstatus
		 * now): look it up */
		struct model_conn *c =
			s->cycle == m->cycle ? s->conn : hashmap_get(&m->conns, s->conn_key);

		if (c) {
			c->live_in += s->in_base + s->last_in;
			c->live_out += s->out_base + s->last_out;
			if (s->add_time > c->newest_add_time)
				c->newest_add_time = s->add_time;
		}
		if (s->username && m->opt.per_user) {
			struct model_user *u = hashmap_get(&m->users, s->username);

			if (!u)
				u = &m->other_user;
			u->live_in += s->in_base + s->last_in;
			u->live_out += s->out_base + s->last_out;
			u->sas++;
		}
	}
}

/* hashmap_remove_if(), when pluto's list is known: a connection it no longer has, with no SA. */
static bool conn_dead(const char *key, void *value, void *userdata)
{
	struct model_conn *c = value;

	if (c->loaded || c->traffic_sas > 0)
		return false;
	conn_free(userdata, c);
	return true;	/* the caller marks the sorted list stale */
}

/* hashmap_remove_if(): a user with no SA left. */
static bool user_idle(const char *key, void *value, void *userdata)
{
	struct model_user *u = value;

	if (u->sas > 0)
		return false;
	user_free(u);
	return true;
}

/* Drop connections pluto no longer has, and users with no SA left. */
static void expire_entries(struct model *m)
{
	m->last_lookup = NULL;	/* it may go now */
	/* one that pluto listed, or that has SAs, stays: none goes when every one was touched */
	if (m->status_ok && m->conns_touched < m->conns.n_items &&
	    hashmap_remove_if(&m->conns, conn_dead, m) > 0)
		conn_index_removed(&m->index);
	(void)hashmap_remove_if(&m->users, user_idle, NULL);
}

void model_begin_cycle(struct model *m)
{
	size_t n;
	struct model_conn *const *sorted = model_sorted_conns(m, &n);

	m->cycle++;
	m->conns_touched = 0;
	m->status_ok = m->traffic_ok = false;
	/* the last cycle ended with the list sorted: it holds every connection, in memory order
	 * mostly */
	for (size_t i = 0; i < n; i++)
		conn_reset_cycle(m, sorted[i]);
	conn_index_rewind(&m->index);
}

void model_end_cycle(struct model *m)
{
	sum_live(m);
	expire_entries(m);
	conn_index_sort(&m->index, &m->conns);
}

void model_update(struct model *m, const struct status_summary *status,
		  const struct traffic_list *traffic)
{
	model_begin_cycle(m);
	if (status)
		model_apply_status(m, status);
	if (traffic)
		model_apply_traffic(m, traffic);
	model_end_cycle(m);
}

bool model_counts_every_conn(const struct model *m)
{
	/* without a connection list ever, show everything tracked so far */
	return !m->status_ok && !m->ever_status && m->traffic_ok;
}

bool model_conn_is_up(const struct model_conn *c)
{
	/* the state list says so, or trafficstatus lists one of its SAs */
	return c->child_established > 0 || c->traffic_sas > 0;
}

uint64_t model_conn_in_bytes(const struct model_conn *c)
{
	return c->retired_in + c->live_in;
}

uint64_t model_conn_out_bytes(const struct model_conn *c)
{
	return c->retired_out + c->live_out;
}

struct model_conn *const *model_sorted_conns(const struct model *m, size_t *ret_n)
{
	*ret_n = m->index.n_sorted;
	return m->index.sorted;
}

uint64_t model_sorted_version(const struct model *m)
{
	return m->index.version;
}

size_t model_n_conns(const struct model *m)
{
	return m->conns.n_items;
}

size_t model_n_sas(const struct model *m)
{
	return m->sas.n_items;
}

uint64_t model_cycle(const struct model *m)
{
	return m->cycle;
}

bool model_status_ok(const struct model *m)
{
	return m->status_ok;
}

bool model_traffic_ok(const struct model *m)
{
	return m->traffic_ok;
}

const struct model_user *model_other_user(const struct model *m)
{
	return &m->other_user;
}

const struct model_options *model_options(const struct model *m)
{
	return &m->opt;
}

static int cmp_user(const void *a, const void *b)
{
	const struct model_user *x = *(const struct model_user *const *)a;
	const struct model_user *y = *(const struct model_user *const *)b;

	return strcmp(x->name, y->name);
}

struct model_user **model_sorted_users(const struct model *m, size_t *ret_n)
{
	struct model_user **a = xcalloc(m->users.n_items + 1, sizeof(*a));
	size_t n = 0, it = 0;
	void *v;

	while (hashmap_next(&m->users, &it, NULL, &v))
		a[n++] = v;
	qsort(a, n, sizeof(*a), cmp_user);
	*ret_n = n;
	return a;
}
