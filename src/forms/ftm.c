/*
 * ftm.c - records as FollowTheMoney Person entities (for OCCRP Aleph):
 * each filled form one Person whose properties come from its fields
 * through a mapping of labels to FtM properties (forms.h). The default
 * mapping is read from the labels' kinds and words; `daftar records
 * --format ftm-mapping` prints it as a file to edit and `--mapping FILE`
 * reads it back ("LABEL = property" lines, "#" comments, "-" for a label
 * left out).
 */
#include "daftar/forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Person properties a mapping may name (FollowTheMoney's Person,
 * LegalEntity and Thing). */
static const char *const person_props[] = {
	"name", "alias", "weakAlias", "firstName", "lastName", "fatherName", "motherName", "birthDate", "birthPlace",
	"deathDate", "nationality", "citizenship", "country", "gender", "phone", "email", "address", "idNumber",
	"passportNumber", "taxNumber", "position", "education", "religion", "ethnicity", "title", "notes",
	"summary", "description", "keywords", "topics", NULL};

int dft_ftm_prop_known(const char *p)
{
	size_t i;
	for (i = 0; person_props[i]; i++)
		if (!strcmp(person_props[i], p))
			return 1;
	return 0;
}

struct rule {
	const char *words[12];
	const char *prop;
};

/* first match wins; words are folded label words (dft_records_fold) */
static const struct rule rules[] = {
	{{"father", "الاب", "والد", NULL}, "fatherName"},
	{{"mother", "الام", "والده", NULL}, "motherName"},
	{{"alias", "kunya", "nickname", "الكنيه", "كنيه", "اللقب", "لقب", "الشهره", NULL}, "alias"},
	{{"passport", "جواز", "الجواز", NULL}, "passportNumber"},
	{{"place", "مكان", "محل", NULL}, "birthPlace"},
	{{"address", "العنوان", "عنوان", "السكن", NULL}, "address"},
	{{"occupation", "profession", "job", "المهنه", "مهنه", NULL}, "position"},
	{{"education", "المستوي", "الدراسي", "المؤهل", NULL}, "education"},
	{{"sex", "gender", "الجنس", NULL}, "gender"},
	{{"email", "البريد", NULL}, "email"},
	{{NULL}, NULL},
};

static int has_word(const char *folded, const char *w)
{
	size_t wl = strlen(w);
	const char *p = folded;
	while ((p = strstr(p, w)) != NULL) {
		if ((p == folded || p[-1] == ' ') && (p[wl] == '\0' || p[wl] == ' '))
			return 1;
		p += wl;
	}
	return 0;
}

/* The rule a label's words say, or NULL; *birth: it speaks of birth. */
static const char *rule_prop(const char *label, int *birth)
{
	dft_buf b;
	const char *hit = NULL, *f;
	size_t i, k;
	dft_buf_init(&b, 4096);
	*birth = 0;
	if (dft_records_fold(label, strlen(label), &b) < 0)
		goto done;
	f = dft_buf_cstr(&b);
	*birth = has_word(f, "birth") || has_word(f, "born") || has_word(f, "dob") || strstr(f, "ميلاد") ||
		 strstr(f, "ولاده") || strstr(f, "مواليد");
	for (i = 0; rules[i].prop && !hit; i++)
		for (k = 0; rules[i].words[k] && !hit; k++)
			if (has_word(f, rules[i].words[k]))
				hit = rules[i].prop;
	if (hit && !strcmp(hit, "birthPlace") && !*birth)
		hit = NULL; /* a place, not of birth */
done:
	dft_buf_dispose(&b);
	return hit;
}

void dft_ftm_mapping_default(const dft_record_template *T, const char **props)
{
	size_t l;
	int named = 0, born = 0, birth;
	for (l = 0; l < T->nlabels; l++) {
		const char *hit = rule_prop(T->labels[l], &birth);
		if (!hit) {
			switch (T->kinds[l]) {
			case DFT_FIELD_DATE:
				hit = birth && !born ? "birthDate" : NULL;
				break;
			case DFT_FIELD_COUNTRY:
				hit = "nationality";
				break;
			case DFT_FIELD_PHONE:
				hit = "phone";
				break;
			case DFT_FIELD_NAME:
				hit = named ? NULL : "name"; /* the person's own: the first name no rule took */
				break;
			default:
				break;
			}
		}
		if (hit && !strcmp(hit, "name"))
			named = 1;
		if (hit && !strcmp(hit, "birthDate"))
			born = 1;
		props[l] = hit;
	}
}

int dft_ftm_mapping_read(const dft_record_template *T, const char *text, size_t len, const char **props)
{
	size_t at = 0, line = 0, l;
	for (l = 0; l < T->nlabels; l++)
		props[l] = NULL;
	while (at < len) {
		const char *s = text + at, *nl = memchr(s, '\n', len - at), *e = nl ? nl : text + len, *eq;
		char label[512], prop[64];
		size_t ll, pl;
		int idx;
		at = (size_t)(e - text) + 1;
		line++;
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s == e || *s == '#')
			continue;
		if (!(eq = memchr(s, '=', (size_t)(e - s))))
			return dft_error_set(DFT_EINVAL, "mapping: line %zu: expected LABEL = property", line);
		for (ll = (size_t)(eq - s); ll && (s[ll - 1] == ' ' || s[ll - 1] == '\t'); ll--)
			;
		for (eq++; eq < e && (*eq == ' ' || *eq == '\t'); eq++)
			;
		pl = (size_t)(e - eq);
		if (!ll || ll >= sizeof(label) || !pl || pl >= sizeof(prop))
			return dft_error_set(DFT_EINVAL, "mapping: line %zu: expected LABEL = property", line);
		memcpy(label, s, ll);
		label[ll] = '\0';
		memcpy(prop, eq, pl);
		prop[pl] = '\0';
		if ((idx = dft_record_label_find(T, label)) < 0)
			return dft_error_set(DFT_EINVAL, "mapping: line %zu: template %lld has no label '%s'", line,
					     (long long)T->id, label);
		if (!strcmp(prop, "-")) {
			props[idx] = NULL;
			continue;
		}
		if (!dft_ftm_prop_known(prop))
			return dft_error_set(DFT_EINVAL, "mapping: line %zu: '%s' is no property of an FtM Person", line, prop);
		{
			size_t i;
			for (i = 0; person_props[i]; i++)
				if (!strcmp(person_props[i], prop))
					props[idx] = person_props[i];
		}
	}
	return 0;
}
