/*
 * types.c - the names of entity types, as the JSON output and the command
 * line spell them (include/daftar/entities.h).
 */
#include "daftar/entities.h"

#include <string.h>
#include <strings.h>

static const char *const type_names[DFT_ENT__COUNT] = {
	"person", "organization", "place", "misc", "email", "url", "domain", "phone",
	"iban", "card", "crypto", "ip", "coordinates", "money", "document_number", "date"};

const char *dft_entity_type_name(int type)
{
	if (type < 0 || type >= DFT_ENT__COUNT)
		return "unknown";
	return type_names[type];
}

int dft_entity_type_parse(const char *name)
{
	static const struct {
		const char *alias;
		int type;
	} aliases[] = {{"org", DFT_ENT_ORG},	   {"organisation", DFT_ENT_ORG},
		       {"location", DFT_ENT_PLACE}, {"loc", DFT_ENT_PLACE},
		       {"per", DFT_ENT_PERSON},	   {"pers", DFT_ENT_PERSON},
		       {"coord", DFT_ENT_COORD},   {"docnum", DFT_ENT_DOCNUM}};
	if (!name)
		return -1;
	for (int i = 0; i < DFT_ENT__COUNT; i++)
		if (strcasecmp(name, type_names[i]) == 0)
			return i;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			return aliases[i].type;
	return -1;
}
