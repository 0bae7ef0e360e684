/*
 * test_gazetteer.c - the GeoNames cities (src/entities/gazetteer.c) and
 * the routes a sentence states (routes.c): places.c's coordinates agree
 * with GeoNames within 10 km, a name in any script finds its city, an
 * ambiguous name lists its candidates, and routes come from movement
 * sentences only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "daftar/core.h"
#include "daftar/entities.h"

/* Every city of places.c is within 10 km of a GeoNames city of its
 * country that one of its spellings names. Governorates and
 * countries are areas (GeoNames' cities do not hold them): their point is
 * a middle, not checked. */
static void test_places_against_geonames(void **state)
{
	dft_gazetteer *g;
	dft_geo_match m[48];
	size_t count, checked = 0, bad = 0;
	(void)state;
	assert_int_equal(dft_gazetteer_new(&g), 0);
	dft_places_get(0, &count);
	for (size_t i = 0; i < count; i++) {
		const dft_place *p = dft_places_get(i, NULL);
		const char *s = p->spellings;
		double best = 1e9;
		const char *bestname = "";
		/* towns GeoNames' cities1000 does not hold (places.c says so) */
		static const char *const absent[] = {"Bartella", "Taji", "Amiriyat al-Fallujah", NULL};
		int skip = 0;
		if (strcmp(p->kind, "city"))
			continue;
		for (const char *const *a = absent; *a; a++)
			skip |= !strcmp(*a, p->name);
		if (skip)
			continue;
		while (*s) {
			size_t l = strcspn(s, "|");
			const char *w = *s == '?' ? s + 1 : s;
			size_t wl = l - (size_t)(w - s);
			{ /* every script: Latin by spelling, Arabic and Cyrillic by key */
				int n = dft_gazetteer_find(g, w, wl, m, 48);
				for (int k = 0; k < n; k++) {
					double d;
					if (strcmp(m[k].country, p->country))
						continue;
					d = dft_geo_distance_km(p->lat, p->lon, m[k].lat, m[k].lon);
					if (d < best) {
						best = d;
						bestname = m[k].name;
					}
				}
			}
			s += l;
			if (*s == '|')
				s++;
		}
		checked++;
		if (best > 10) {
			bad++;
			print_message("%s (%s %.4f,%.4f): nearest GeoNames city of its names %s at %.1f km\n", p->name,
				      p->country, p->lat, p->lon, bestname, best);
		}
	}
	print_message("places.c: %zu cities checked against GeoNames, %zu further than 10 km\n", checked, bad);
	assert_true(checked > 60);
	assert_int_equal(bad, 0);
	dft_gazetteer_free(g);
}

static void test_find(void **state)
{
	static const struct {
		const char *name, *cc;
		double lat, lon;
	} cases[] = {
		{"Ar Raqqah", "SY", 35.95, 39.01}, {"Ракка", "SY", 35.95, 39.01},
		{"Jablah", "SY", 35.36, 35.92},    {"جبلة", "SY", 35.36, 35.92},
		{"Afrin", "SY", 36.51, 36.87},     {"عفرين", "SY", 36.51, 36.87},
		{"Zubayr", "IQ", 30.39, 47.70},    {"Munich", "DE", 48.14, 11.58},
		{"Beirut", "LB", 33.89, 35.50},
		/* two words where GeoNames writes one (Kafranbel) */
		{"Kafr Nabl", "SY", 35.61, 36.56}, {"Kafranbel", "SY", 35.61, 36.56},
	};
	dft_gazetteer *g;
	dft_geo_match m[48];
	(void)state;
	assert_int_equal(dft_gazetteer_new(&g), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = dft_gazetteer_find(g, cases[i].name, strlen(cases[i].name), m, 48), ok = 0;
		for (int k = 0; k < n && !ok; k++)
			ok = !strcmp(m[k].country, cases[i].cc) &&
			     dft_geo_distance_km(m[k].lat, m[k].lon, cases[i].lat, cases[i].lon) < 10;
		if (!ok)
			fail_msg("%s: %d candidates, none in %s at %.2f,%.2f", cases[i].name, n, cases[i].cc, cases[i].lat,
				 cases[i].lon);
	}
	/* Tripoli: Lebanon's and Libya's, both exact */
	{
		int n = dft_gazetteer_find(g, "Tripoli", 7, m, 48), lb = 0, ly = 0;
		for (int k = 0; k < n; k++) {
			lb |= !strcmp(m[k].country, "LB");
			ly |= !strcmp(m[k].country, "LY");
		}
		assert_true(lb && ly);
	}
	assert_int_equal(dft_gazetteer_find(g, "Xqzzyv", 6, m, 48), 0);
	dft_gazetteer_free(g);
}

typedef struct got {
	char s[16][96];
	int n;
	const dft_mention_set *ms;
} got;

static int on_route(void *ctx, const dft_route *r)
{
	got *g = ctx;
	if (g->n < 16)
		snprintf(g->s[g->n++], 96, "%s>%s", g->ms->strings.ptr + g->ms->v[r->from].value,
			 g->ms->strings.ptr + g->ms->v[r->to].value);
	return 0;
}

/* the places of a sentence marked [X], for the route scanner */
static void mark(const char *in, char *text, dft_mention_set *ms)
{
	size_t o = 0;
	dft_mention_set_reset(ms);
	for (const char *p = in; *p;) {
		if (*p == '[') {
			const char *e = strchr(p, ']');
			dft_mention m;
			char v[64];
			snprintf(v, sizeof v, "%.*s", (int)(e - p - 1), p + 1);
			memset(&m, 0, sizeof m);
			m.type = DFT_ENT_PLACE;
			m.start = o;
			memcpy(text + o, p + 1, (size_t)(e - p - 1));
			o += (size_t)(e - p - 1);
			m.end = o;
			m.value = v;
			assert_int_equal(dft_mention_set_add(ms, &m), 0);
			p = e + 1;
		} else {
			text[o++] = *p++;
		}
	}
	text[o] = 0;
}

static void test_routes(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"The convoy moved from [Palmyra] to [Raqqa] at night.", "Palmyra>Raqqa"},
		{"They went to [Raqqa] from [Palmyra].", "Palmyra>Raqqa"},
		{"The unit in [Tabqa] withdrew to [Raqqa].", "Tabqa>Raqqa"},
		{"نقلت المعدات من [تدمر] إلى [الرقة].", "تدمر>الرقة"},
		{"انسحب المقاتلون من [الطبقة] باتجاه مدينة [الرقة].", "الطبقة>الرقة"},
		{"أرسلت القافلة من [حلب] ل[دمشق].", "حلب>دمشق"},
		{"The road between [Homs] and [Hama] is closed.", ""},
		{"The office in [Raqqa] wrote to the office in [Mosul].", ""},
		{"The governor of [Homs] met the governor of [Hama].", ""},
		{"He was born in [Mosul]. He moved to [Baghdad].", ""},
		/* leaving and arriving */
		{"The trucks left the city of [Manbij] for [Jarablus] at dawn.", "Manbij>Jarablus"},
		{"Families from [Homs] arrived in [Hama] last week.", "Homs>Hama"},
		{"The fighters reached [Tabqa] from [Raqqa].", "Raqqa>Tabqa"},
		{"The brigade departed [Mosul], bound for [Kirkuk].", "Mosul>Kirkuk"},
		{"غادر الوفد [حلب] إلى [دمشق].", "حلب>دمشق"},
		{"He voted for [Raqqa] in [Homs].", ""},
		{"The delegation arrived in [Mosul] and met the governor of [Kirkuk].", ""},
	};
	dft_mention_set ms;
	char text[512];
	(void)state;
	dft_mention_set_init(&ms);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got g;
		memset(&g, 0, sizeof g);
		g.ms = &ms;
		mark(cases[i].text, text, &ms);
		assert_int_equal(dft_routes_find(text, strlen(text), &ms, on_route, &g), 0);
		if (*cases[i].want ? (g.n != 1 || strcmp(g.s[0], cases[i].want)) : g.n != 0)
			fail_msg("%s: %d routes (%s), want %s", cases[i].text, g.n, g.n ? g.s[0] : "", cases[i].want);
	}
	dft_mention_set_dispose(&ms);
}

/* A hostile text: 100,000 places in one line, every one "to" the next:
 * bounded routes, quickly. */
static void test_routes_bounded(void **state)
{
	dft_mention_set ms;
	dft_buf t;
	got g;
	double t0;
	(void)state;
	dft_mention_set_init(&ms);
	dft_buf_init(&t, 64 << 20);
	assert_int_equal(dft_buf_adds(&t, "moved from "), 0);
	for (int i = 0; i < 100000; i++) {
		dft_mention m;
		memset(&m, 0, sizeof m);
		m.type = DFT_ENT_PLACE;
		m.start = t.len;
		assert_int_equal(dft_buf_addf(&t, "P%d", i), 0);
		m.end = t.len;
		m.value = t.ptr + m.start;
		{
			char v[16];
			snprintf(v, sizeof v, "P%d", i);
			m.value = v;
			assert_int_equal(dft_mention_set_add(&ms, &m), 0);
		}
		assert_int_equal(dft_buf_adds(&t, " to "), 0);
	}
	memset(&g, 0, sizeof g);
	g.ms = &ms;
	t0 = dft_now();
	assert_int_equal(dft_routes_find(t.ptr, t.len, &ms, on_route, &g), 0);
	assert_true(dft_now() - t0 < 5);
	dft_buf_dispose(&t);
	dft_mention_set_dispose(&ms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_places_against_geonames),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_routes_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
