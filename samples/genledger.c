/*
 * genledger.c - writes a deterministic sample ledger for noticegen.
 *
 *   genledger --out FILE --cases N [--seed S] [--as-of YYYY-MM-DD] [--bad]
 *
 * Creates FILE (it must not exist), applies the ledger schema (the text of
 * src/schema.sql, which the build embeds as ng_schema_sql) and fills it with
 * N cases of realistic New York City child-support data, dated relative to
 * the as-of date A: orders, monthly charges, payments, disbursements to the
 * custodial parent and a few adjustments.
 *
 * Deterministic: nothing depends on the clock or on rand(). Each case draws
 * from its own random stream, seeded from (seed, case index), and rows go in
 * in a fixed order inside one transaction, so the same seed, N and as-of
 * give a byte-identical file (with the same SQLite library), and the first
 * K cases of a big ledger are the K cases of a small one.
 *
 * The first cases cover the awkward kinds a renderer must survive, in this
 * order (case_key 1..11, whatever the seed): an ordinary case, no activity
 * in the month before A, a credit balance, arrears on an ended order,
 * several orders, a long payment history, a party without a usable
 * address, long and accented names with a long address, an order recorded
 * in the week before A (PIN letters), a closed case, and a case_id reused
 * in another county. After those, each kind recurs at a few percent.
 * samples/README.md shows how to find each kind with SQL.
 *
 * --bad appends one case per injected fault (invalid UTF-8, NULs, control
 * characters, huge names, bad amounts and dates, unknown codes, missing or
 * doubled parents...) after the N good cases, which stay exactly as without
 * it, and lists them in FILE.faults.tsv with the reason noticegen should
 * give (see "--bad" below).
 */
#include <sqlite3.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The schema text, embedded from src/schema.sql by the build. */
extern const char ng_schema_sql[];

#define EXIT_USAGE 64           /* EX_USAGE: bad arguments, or FILE exists */
#define MAX_CASES 10000000
#define DEFAULT_ASOF "2026-11-03"
#define NO_END INT_MAX          /* an order (or a stretch) that has not ended */
#define MAX_ORDERS 3
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PICK(r, a) ((a)[rng_below((r), NELEM(a))])

/* ------------------------------------------------------------------ */
/* Places                                                               */
/* ------------------------------------------------------------------ */

static const char *const bronx_zips[] = {
	"10451", "10452", "10453", "10454", "10455", "10456", "10457",
	"10458", "10459", "10460", "10461", "10462", "10463", "10464",
	"10465", "10466", "10467", "10468", "10469", "10470", "10471",
	"10472", "10473", "10474", "10475",
};
static const char *const bronx_streets[] = {
	"Grand Concourse", "Jerome Avenue", "East Fordham Road",
	"Southern Boulevard", "Westchester Avenue", "White Plains Road",
	"East Tremont Avenue", "Webster Avenue", "Boston Road",
	"Castle Hill Avenue", "East Gun Hill Road", "Pelham Parkway South",
	"University Avenue", "Sedgwick Avenue", "Morris Avenue",
	"Creston Avenue", "Bruckner Boulevard",
};
static const char *const kings_zips[] = {
	"11201", "11203", "11204", "11205", "11206", "11207", "11208",
	"11209", "11210", "11211", "11212", "11213", "11214", "11215",
	"11216", "11217", "11218", "11219", "11220", "11221", "11222",
	"11223", "11224", "11225", "11226", "11228", "11229", "11230",
	"11231", "11232", "11233", "11234", "11235", "11236", "11237",
	"11238", "11239",
};
static const char *const kings_streets[] = {
	"Flatbush Avenue", "Atlantic Avenue", "Nostrand Avenue",
	"Eastern Parkway", "Ocean Avenue", "Fulton Street", "Myrtle Avenue",
	"Bedford Avenue", "Kings Highway", "Church Avenue", "Pitkin Avenue",
	"Utica Avenue", "Linden Boulevard", "Coney Island Avenue",
	"86th Street", "Ocean Parkway", "Marcy Avenue", "Gates Avenue",
	"Marcus Garvey Boulevard",
};
static const char *const newyork_zips[] = {
	"10001", "10002", "10003", "10009", "10011", "10013", "10016",
	"10019", "10021", "10023", "10024", "10025", "10026", "10027",
	"10028", "10029", "10030", "10031", "10032", "10033", "10034",
	"10035", "10036", "10037", "10038", "10039", "10040", "10128",
};
static const char *const newyork_streets[] = {
	"Amsterdam Avenue", "St. Nicholas Avenue", "Broadway", "Lenox Avenue",
	"Adam Clayton Powell Jr. Boulevard", "Frederick Douglass Boulevard",
	"Audubon Avenue", "Dyckman Street", "Avenue D", "Pleasant Avenue",
	"East 116th Street", "West 145th Street", "Columbus Avenue",
	"Madison Avenue", "Henry Street", "Grand Street", "First Avenue",
};
static const char *const richmond_zips[] = {
	"10301", "10302", "10303", "10304", "10305", "10306", "10307",
	"10308", "10309", "10310", "10312", "10314",
};
static const char *const richmond_streets[] = {
	"Victory Boulevard", "Richmond Avenue", "Hylan Boulevard",
	"Forest Avenue", "Bay Street", "Castleton Avenue",
	"Port Richmond Avenue", "Richmond Terrace", "Targee Street",
	"Arthur Kill Road", "Jersey Street",
};
static const char *const queens_streets[] = {
	"Roosevelt Avenue", "Jamaica Avenue", "Northern Boulevard",
	"Queens Boulevard", "Hillside Avenue", "Liberty Avenue",
	"Main Street", "37th Avenue", "Steinway Street", "Sutphin Boulevard",
	"Merrick Boulevard", "Francis Lewis Boulevard", "Beach Channel Drive",
	"Linden Boulevard", "Woodhaven Boulevard", "21st Street",
	"31st Avenue", "Farmers Boulevard",
};

/* Queens mail goes to neighbourhood names, each with its own ZIP codes. */
static const struct place {
	const char *city;
	const char *zip;
} queens_places[] = {
	{"Long Island City", "11101"}, {"Astoria", "11102"},
	{"Astoria", "11103"}, {"Sunnyside", "11104"}, {"Astoria", "11105"},
	{"Flushing", "11354"}, {"Flushing", "11355"}, {"Flushing", "11358"},
	{"College Point", "11356"}, {"Whitestone", "11357"},
	{"Bayside", "11361"}, {"Fresh Meadows", "11365"},
	{"Corona", "11368"}, {"East Elmhurst", "11369"},
	{"Jackson Heights", "11372"}, {"Elmhurst", "11373"},
	{"Rego Park", "11374"}, {"Forest Hills", "11375"},
	{"Woodside", "11377"}, {"Maspeth", "11378"},
	{"Middle Village", "11379"}, {"Ridgewood", "11385"},
	{"Cambria Heights", "11411"}, {"Saint Albans", "11412"},
	{"Springfield Gardens", "11413"}, {"Howard Beach", "11414"},
	{"Ozone Park", "11416"}, {"Ozone Park", "11417"},
	{"Richmond Hill", "11418"}, {"South Ozone Park", "11420"},
	{"Woodhaven", "11421"}, {"Rosedale", "11422"}, {"Hollis", "11423"},
	{"Queens Village", "11428"}, {"Queens Village", "11429"},
	{"Jamaica", "11432"}, {"Jamaica", "11433"}, {"Jamaica", "11434"},
	{"Jamaica", "11435"}, {"Jamaica", "11436"},
	{"Far Rockaway", "11691"}, {"Arverne", "11692"},
};

/* The five counties (boroughs) of New York City, weighted roughly by caseload. */
static const struct county {
	const char *name;               /* as stored in cases.county */
	const char *city;               /* postal city; NULL: by neighbourhood */
	const char *const *zips;
	int n_zips;
	const char *const *streets;
	int n_streets;
	const char *long_addr1;         /* 60+ characters, for the names kind */
	int weight;
} counties[] = {
	{"Bronx", "Bronx", bronx_zips, NELEM(bronx_zips),
	 bronx_streets, NELEM(bronx_streets),
	 "1520 Dr. Martin Luther King Jr. Boulevard, Rear Building, Entrance B",
	 25},
	{"Kings", "Brooklyn", kings_zips, NELEM(kings_zips),
	 kings_streets, NELEM(kings_streets),
	 "1755 Fort Hamilton Parkway, Side Entrance Through the Courtyard Gate",
	 30},
	{"New York", "New York", newyork_zips, NELEM(newyork_zips),
	 newyork_streets, NELEM(newyork_streets),
	 "2300 Adam Clayton Powell Jr. Boulevard, Building 3, Side Entrance",
	 15},
	{"Queens", NULL, NULL, 0, queens_streets, NELEM(queens_streets),
	 "145-32 Springfield Boulevard, Basement Apartment, Enter Via Driveway",
	 25},
	{"Richmond", "Staten Island", richmond_zips, NELEM(richmond_zips),
	 richmond_streets, NELEM(richmond_streets),
	 "1000 South Avenue, Building 2, Care of the Property Management Office",
	 5},
};
enum { QUEENS = 3 };

/* ------------------------------------------------------------------ */
/* Names                                                                */
/* ------------------------------------------------------------------ */

enum culture_id {
	CU_ANGLO, CU_HISP, CU_IRISH, CU_ITAL, CU_GERMAN, CU_POLISH, CU_FRENCH,
	CU_HAITIAN, CU_CHINESE, CU_KOREAN, CU_ARABIC, CU_BENGALI, CU_RUSSIAN,
	CU_YIDDISH, CU_URDU, CU_VIET, CU_COUNT
};

static const char *const anglo_m[] = {
	"James", "Michael", "Robert", "David", "Christopher", "Anthony",
	"Kevin", "Jamal", "DeShawn", "Da'Quan", "Tyrone", "Marcus", "Brian",
	"Andre", "Terrence", "Jaylen",
};
static const char *const anglo_f[] = {
	"Jennifer", "Ashley", "Jessica", "Keisha", "Aaliyah", "Imani",
	"Shaniqua", "Tiffany", "Brittany", "Nicole", "Zoë", "Renée", "Kayla",
	"Ja'Nya", "Latoya", "Danielle",
};
static const char *const anglo_last[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Davis", "Miller",
	"Wilson", "Moore", "Taylor", "Jackson", "White", "Harris", "Thompson",
	"Robinson", "Washington", "Coleman", "Brooks", "McDonald", "Greene",
	"Smith-Jones", "St. Clair",
};
static const char *const hisp_m[] = {
	"José", "Juan", "Luis", "Jesús", "Ramón", "Héctor", "Ángel", "Rafael",
	"Andrés", "Joaquín", "Wilfredo", "Darío", "Raúl", "Julio", "Yeison",
	"Efraín",
};
static const char *const hisp_f[] = {
	"María", "Ana", "Carmen", "Yesenia", "Marisol", "Luz", "Dolores",
	"Inés", "Xiomara", "Yolanda", "Belén", "Mercedes", "Yaritza",
	"Altagracia", "Nayeli", "Sofía",
};
static const char *const hisp_last[] = {
	"García", "Rodríguez", "Martínez", "Hernández", "López", "González",
	"Pérez", "Sánchez", "Ramírez", "Torres", "Rivera", "Peña", "Núñez",
	"Ñúñez", "Ortiz", "Báez", "Cruz", "Guzmán", "Jiménez", "Díaz",
	"Vásquez", "Castillo", "Almonte", "De la Cruz", "Rosario", "Santana",
	"Reyes", "Muñoz", "Ibáñez", "Colón",
};
static const char *const irish_m[] = {
	"Seán", "Patrick", "Liam", "Ciarán", "Declan", "Eoin", "Pádraig",
	"Cormac",
};
static const char *const irish_f[] = {
	"Siobhán", "Niamh", "Aoife", "Saoirse", "Róisín", "Bríd", "Caoimhe",
	"Máire",
};
static const char *const irish_last[] = {
	"O'Brien", "O'Connor", "O'Sullivan", "Murphy", "Kelly",
	"Ó Súilleabháin", "Walsh", "Byrne", "McCarthy", "Fitzgerald",
	"Gallagher", "Ó Ceallaigh", "O'Neill",
};
static const char *const ital_m[] = {
	"Giuseppe", "Salvatore", "Antonio", "Vincenzo", "Carmine", "Giovanni",
	"Nicola", "Niccolò",
};
static const char *const ital_f[] = {
	"Maria", "Giuseppina", "Rosaria", "Francesca", "Antonella", "Concetta",
	"Graziella", "Lucia",
};
static const char *const ital_last[] = {
	"Russo", "Esposito", "D'Angelo", "Romano", "Colombo", "Ricci",
	"Marino", "De Luca", "Greco", "Bruno", "Gallo", "Conti", "D'Amico",
	"Lo Presti", "Dell'Aquila", "Caputo",
};
static const char *const german_m[] = {
	"Jürgen", "Matthias", "Günter", "Stefan", "Klaus", "Jörg",
};
static const char *const german_f[] = {
	"Anneliese", "Käthe", "Jutta", "Brigitte", "Sabine", "Bärbel",
};
static const char *const german_last[] = {
	"Müller", "Schröder", "Weiß", "Schäfer", "Köhler", "Böhm", "Hoffmann",
	"Krüger",
};
static const char *const polish_m[] = {
	"Łukasz", "Paweł", "Krzysztof", "Tomasz", "Grzegorz", "Piotr",
	"Michał", "Wojciech",
};
static const char *const polish_f[] = {
	"Małgorzata", "Agnieszka", "Katarzyna", "Joanna", "Bożena", "Dorota",
	"Anna", "Jadwiga",
};
/* Polish (and Russian) surnames agree with the bearer: these are parallel. */
static const char *const polish_last_m[] = {
	"Wiśniewski", "Kowalski", "Nowak", "Wójcik", "Kamiński",
	"Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski",
	"Kozłowski", "Mazur", "Król",
};
static const char *const polish_last_f[] = {
	"Wiśniewska", "Kowalska", "Nowak", "Wójcik", "Kamińska",
	"Lewandowska", "Zielińska", "Szymańska", "Woźniak", "Dąbrowska",
	"Kozłowska", "Mazur", "Król",
};
_Static_assert(NELEM(polish_last_m) == NELEM(polish_last_f),
	       "parallel surname tables");
static const char *const french_m[] = {
	"François", "Jérôme", "Mamadou", "Ousmane", "Amadou", "Cédric",
	"Benoît", "Souleymane",
};
static const char *const french_f[] = {
	"Aminata", "Fatoumata", "Hélène", "Mariame", "Céline", "Aïssatou",
	"Geneviève", "Awa",
};
static const char *const french_last[] = {
	"Diallo", "Traoré", "Bah", "Koné", "Camara", "Sow", "N'Diaye",
	"Touré", "Lefèvre", "Girard", "Dubois", "Bérubé", "Coulibaly", "Sylla",
};
static const char *const haitian_m[] = {
	"Jean-Pierre", "Wilner", "Frantz", "Jean-Claude", "Fritznel", "Evens",
	"Wisly", "Rodney",
};
static const char *const haitian_f[] = {
	"Marie-Claude", "Nadège", "Guerline", "Roseline", "Fabienne",
	"Mirlande", "Wideline", "Marie-Ange",
};
static const char *const haitian_last[] = {
	"Jean-Baptiste", "Pierre", "Joseph", "Louis", "Charles", "Célestin",
	"Étienne", "Desrosiers", "Dorvil", "Toussaint", "Saint-Louis",
	"Jean-Louis", "Alexis", "Augustin",
};
static const char *const chinese_m[] = {
	"Wei", "Jun", "Zhiwei", "Ka Wai", "Siu Ming", "Kwok Keung", "Hao",
	"Jian",
};
static const char *const chinese_f[] = {
	"Jing", "Mei", "Li Na", "Hui", "Xiu Ying", "Lai Sheung", "Yan", "Chun",
};
static const char *const chinese_last[] = {
	"Zhang", "Wang", "Li", "Chen", "Liu", "Huang", "Lin", "Wu", "Zhou",
	"Chan", "Wong", "Lee", "Cheung", "Ng", "Lau", "Leung", "Lü",
};
static const char *const korean_m[] = {
	"Min-jun", "Ji-hoon", "Sung-ho", "Dong-hyun", "Jae-won", "Hyun-woo",
};
static const char *const korean_f[] = {
	"Ji-woo", "Seo-yeon", "Eun-ji", "Hye-jin", "Soo-jin", "Min-ji",
};
static const char *const korean_last[] = {
	"Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang",
	"Lim", "Han", "Oh",
};
static const char *const arabic_m[] = {
	"Mohamed", "Ahmed", "Khaled", "Omar", "Youssef", "Tarek",
	"Abdulrahman", "Hamza",
};
static const char *const arabic_f[] = {
	"Fatima", "Aisha", "Mariam", "Noura", "Amal", "Huda", "Samira",
	"Yasmin",
};
static const char *const arabic_last[] = {
	"Al-Hakimi", "El-Sayed", "Haddad", "Nasser", "Saleh", "Abdelrahman",
	"Al-Saidi", "Mansour", "Khoury", "Ibrahim", "Hassan", "El-Masry",
	"Al-Ahmadi",
};
static const char *const bengali_m[] = {
	"Mohammed", "Abdul", "Rafiqul", "Shahidul", "Anwar", "Tanvir",
	"Rahim", "Sajib",
};
static const char *const bengali_f[] = {
	"Nasrin", "Farzana", "Taslima", "Shirin", "Rokeya", "Sultana",
	"Ayesha", "Sumaiya",
};
static const char *const bengali_last[] = {
	"Rahman", "Hossain", "Islam", "Ahmed", "Uddin", "Chowdhury", "Miah",
	"Alam", "Sarkar", "Das", "Roy",
};
static const char *const russian_m[] = {
	"Aleksandr", "Dmitriy", "Sergey", "Igor", "Vladimir", "Mikhail",
	"Yuriy", "Artyom",
};
static const char *const russian_f[] = {
	"Yelena", "Natalya", "Olga", "Svetlana", "Tatyana", "Irina",
	"Anastasia", "Yuliya",
};
static const char *const russian_last_m[] = {
	"Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Volkov",
	"Morozov", "Shevchenko", "Kovalenko", "Rabinovich", "Gurevich",
	"Melnyk",
};
static const char *const russian_last_f[] = {
	"Ivanova", "Smirnova", "Kuznetsova", "Popova", "Sokolova", "Volkova",
	"Morozova", "Shevchenko", "Kovalenko", "Rabinovich", "Gurevich",
	"Melnyk",
};
_Static_assert(NELEM(russian_last_m) == NELEM(russian_last_f),
	       "parallel surname tables");
static const char *const yiddish_m[] = {
	"Yitzchok", "Moshe", "Chaim", "Shloime", "Yoel", "Mendel", "Aron",
	"Yehuda",
};
static const char *const yiddish_f[] = {
	"Chaya", "Rivka", "Esther", "Faigy", "Malky", "Sury", "Blimy", "Perel",
};
static const char *const yiddish_last[] = {
	"Friedman", "Weiss", "Schwartz", "Klein", "Grunwald", "Teitelbaum",
	"Rosenberg", "Lefkowitz", "Goldberger", "Stern",
};
static const char *const urdu_m[] = {
	"Muhammad", "Imran", "Asif", "Bilal", "Faisal", "Tariq", "Usman",
	"Zeeshan",
};
static const char *const urdu_f[] = {
	"Ayesha", "Sana", "Saima", "Nadia", "Rabia", "Farah", "Hina", "Shazia",
};
static const char *const urdu_last[] = {
	"Khan", "Malik", "Butt", "Chaudhry", "Qureshi", "Sheikh", "Siddiqui",
	"Akhtar", "Raza", "Iqbal", "Mirza", "Abbasi",
};
/* Vietnamese names are written family name first: Nguyễn Văn An. */
static const char *const viet_family[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi",
	"Đỗ",
};
static const char *const viet_mid_m[] = {"Văn", "Minh", "Quang", "Đức", "Hữu"};
static const char *const viet_mid_f[] = {"Thị", "Ngọc", "Thu", "Kim"};
static const char *const viet_given_m[] = {
	"An", "Hùng", "Khoa", "Dũng", "Tuấn", "Bảo", "Long",
};
static const char *const viet_given_f[] = {
	"Hương", "Lan", "Linh", "Mai", "Thảo", "Trang", "Ngân",
};

static const struct culture {
	const char *const *first_m;
	int n_first_m;
	const char *const *first_f;
	int n_first_f;
	const char *const *last_m;
	const char *const *last_f;      /* parallel to last_m, or NULL */
	int n_last;
	int double_pct;                 /* chance of a two-part surname */
	int middle_pct;                 /* chance of a middle initial */
} cultures[CU_COUNT] = {
#define C(m, f, l, dbl, mid) \
	{m, NELEM(m), f, NELEM(f), l, NULL, NELEM(l), dbl, mid}
	[CU_ANGLO] = C(anglo_m, anglo_f, anglo_last, 4, 12),
	[CU_HISP] = C(hisp_m, hisp_f, hisp_last, 35, 3),
	[CU_IRISH] = C(irish_m, irish_f, irish_last, 3, 10),
	[CU_ITAL] = C(ital_m, ital_f, ital_last, 2, 6),
	[CU_GERMAN] = C(german_m, german_f, german_last, 3, 6),
	[CU_POLISH] = {polish_m, NELEM(polish_m), polish_f, NELEM(polish_f),
		       polish_last_m, polish_last_f, NELEM(polish_last_m), 3, 0},
	[CU_FRENCH] = C(french_m, french_f, french_last, 3, 0),
	[CU_HAITIAN] = C(haitian_m, haitian_f, haitian_last, 2, 0),
	[CU_CHINESE] = C(chinese_m, chinese_f, chinese_last, 0, 0),
	[CU_KOREAN] = C(korean_m, korean_f, korean_last, 0, 0),
	[CU_ARABIC] = C(arabic_m, arabic_f, arabic_last, 2, 0),
	[CU_BENGALI] = C(bengali_m, bengali_f, bengali_last, 0, 0),
	[CU_RUSSIAN] = {russian_m, NELEM(russian_m), russian_f,
			NELEM(russian_f), russian_last_m, russian_last_f,
			NELEM(russian_last_m), 0, 0},
	[CU_YIDDISH] = C(yiddish_m, yiddish_f, yiddish_last, 0, 0),
	[CU_URDU] = C(urdu_m, urdu_f, urdu_last, 0, 0),
	[CU_VIET] = {NULL, 0, NULL, 0, NULL, NULL, 0, 0, 0},
#undef C
};

/* Where the names of English speakers come from (percent). */
static const int en_mix[CU_COUNT] = {
	[CU_ANGLO] = 50, [CU_HISP] = 14, [CU_IRISH] = 7, [CU_ITAL] = 5,
	[CU_VIET] = 4, [CU_GERMAN] = 3, [CU_POLISH] = 3, [CU_FRENCH] = 3,
	[CU_CHINESE] = 4, [CU_KOREAN] = 3, [CU_HAITIAN] = 2, [CU_ARABIC] = 1,
	[CU_BENGALI] = 1,
};

/* Preferred languages, per mille; culture -1 means "draw from en_mix". */
static const struct lang {
	const char *code;
	int per_mille;
	int culture;
} langs[] = {
	{"en", 550, -1}, {"es", 200, CU_HISP}, {"zh", 40, CU_CHINESE},
	{"ru", 30, CU_RUSSIAN}, {"yi", 20, CU_YIDDISH}, {"bn", 30, CU_BENGALI},
	{"ko", 20, CU_KOREAN}, {"ht", 30, CU_HAITIAN}, {"it", 10, CU_ITAL},
	{"ar", 20, CU_ARABIC}, {"pl", 20, CU_POLISH}, {"fr", 20, CU_FRENCH},
	{"ur", 10, CU_URDU},
};

/* Names a renderer gets wrong: accents, apostrophes, hyphens, đ and ł. */
static const struct fixed_name {
	const char *name;
	const char *lang;
} tricky_names[] = {
	{"Siobhán O'Brien", "en"}, {"Zoë D'Angelo", "en"},
	{"José Ñúñez", "es"}, {"Łukasz Wiśniewski", "pl"},
	{"Nguyễn Văn An", "en"}, {"François Müller", "fr"},
	{"Đặng Thị Hương", "en"}, {"Mary Smith-Jones", "en"},
	{"Seán Ó Súilleabháin", "en"}, {"Da'Quan O'Neill-Washington", "en"},
	{"Jürgen Weiß", "en"}, {"Aïssatou N'Diaye", "fr"},
};

/* Exactly 60 characters (code points) each; most are longer in bytes. */
static const struct fixed_name long_names[] = {
	{"María de los Ángeles Fernández-Castillo de la Peña y Morales", "es"},
	{"José Luis Rodríguez-Hernández de la Santísima Trinidad Ortiz", "es"},
	{"Juan Carlos Alejandro Maldonado Gutiérrez de Villanueva Ruiz", "es"},
	{"Małgorzata Agnieszka Wiśniewska-Dąbrowska-Szczepańska Kozioł", "pl"},
	{"Christopher Jonathan Alexander Fitzgerald-Montgomery Sanders", "en"},
	{"Guadalupe Concepción Ñúñez-O'Brien de los Ángeles Valenzuela", "es"},
	{"Marie-Carmèle Jean-Baptiste Saint-Louis Desrosiers-Toussaint", "ht"},
};

/* ------------------------------------------------------------------ */
/* Case kinds                                                           */
/* ------------------------------------------------------------------ */

enum kind {
	K_NORMAL,       /* one order (10%: two, the first ended), pays mostly */
	K_QUIET,        /* (a) no payment or disbursement in the month before A */
	K_CREDIT,       /* (b) paid more than owed: negative balance */
	K_ARREARS,      /* (c) order ended, balance owed, still paying */
	K_MULTI,        /* (d) three orders, two of them running */
	K_LONG,         /* (e) weekly payments, daily in the month before A */
	K_NOADDR,       /* (f) one party without a usable address */
	K_NAMES,        /* (g) 60-character and accented names, long address */
	K_PIN,          /* order recorded in the 7 days before A */
	K_CLOSED,       /* status closed, paid in full */
	K_DUPID,        /* case_id of the previous case, another county */
};

/* The first cases, so that even a 20-case ledger shows every kind. */
static const enum kind first_kinds[] = {
	K_NORMAL, K_QUIET, K_CREDIT, K_ARREARS, K_MULTI, K_LONG, K_NOADDR,
	K_NAMES, K_PIN, K_CLOSED, K_DUPID,
};

/* How often each kind recurs after those (per mille; the rest normal). */
static const struct {
	enum kind kind;
	int per_mille;
} kind_mix[] = {
	{K_QUIET, 40}, {K_CREDIT, 40}, {K_ARREARS, 40}, {K_MULTI, 30},
	{K_LONG, 30}, {K_NOADDR, 30}, {K_NAMES, 30}, {K_PIN, 30},
	{K_CLOSED, 20}, {K_DUPID, 2},
};

static const char *const disb_methods[] = {
	"direct_deposit", "direct_deposit", "direct_deposit", "debit_card",
	"debit_card", "check",
};

/* ------------------------------------------------------------------ */
/* Plans: what one case will contain, decided before anything is written */
/* ------------------------------------------------------------------ */

enum sched { SCHED_SEMI, SCHED_MONTHLY, SCHED_WEEKLY };

struct order {
	int64_t id;
	int start_m, end_m;     /* months charged (month numbers), end NO_END */
	int64_t monthly;        /* cents */
	int iwo;
	int recorded;           /* day number */
	/* how the NCP pays on it (payments belong to the case, not the order) */
	int pay_from_m, pay_to_m;
	int64_t after_end;      /* paid per month after end_m (arrears) */
	enum sched sched;
	int day1, day2;         /* pay days (weekly: the first one) */
	int miss_pct;           /* chance a month is not paid at all */
	int paid_pct;           /* share of the amount paid */
	int late_pct;           /* chance a direct payment comes next month */
};

struct party {
	int64_t id;
	const char *role;
	const char *lang;
	int female;
	char name[256];
	char addr1_buf[128], addr2_buf[96], city_buf[48], zip_buf[16];
	char ssn_buf[16];
	const char *addr1, *addr2, *city, *state, *zip, *ssn;  /* NULL: SQL NULL */
	const char *method;     /* how disbursements reach a CP */
};

struct plan {
	enum kind kind;
	int64_t key;
	char case_id[16];
	int county;
	const char *status;
	int opened;
	struct party cp, ncp;
	struct order o[MAX_ORDERS];
	int n_orders;
	int stop_day;           /* no payments after this day */
	int daily_from_m;       /* long kind: daily payments from this month */
	int ui_order;           /* order whose payments UI replaces, or -1 */
	int ui_from_m, ui_to_m, ui_first_day;
	int64_t ui_amount;
	int tax_ok, tax_moy;    /* tax offsets allowed; in which month of year */
	int fee;                /* an annual service fee is charged */
	int credit_lump;        /* one overpayment in the month before A */
	int has_adj, adj_day;
	int64_t adj_amount;
	const char *adj_reason;
};

struct pay {
	int day, credit_m, seq;
	int64_t amount;
	const char *source;
};

struct charge {
	int day, seq;
	int64_t order_id;       /* 0: NULL */
	int64_t amount;
	const char *kind;
};

/* Everything that lives for the whole run. */
struct gen {
	uint64_t seed;
	int asof;               /* A, as a day number */
	int am;                 /* A's month, as a month number */
	uint64_t id_key;          /* keys the case-id permutation */
	int64_t next_order_id;
	char prev_case_id[16];
	int prev_county;
	struct pay *pays;
	int n_pays, cap_pays;
	struct charge *charges;
	int n_charges, cap_charges;
	int64_t n_parties, n_payments, n_orders, n_charges_total, n_disb;
	int force_normal;       /* --bad: the fault cases are ordinary open cases */
};

/* ------------------------------------------------------------------ */
/* Random numbers: xoshiro256**, seeded through splitmix64             */
/* ------------------------------------------------------------------ */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/*
 * One independent stream per case, from (seed, case index): case i comes
 * out the same whatever N is, and whatever the other cases drew.
 */
static void rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed;
	uint64_t k = splitmix64(&x);

	x = k ^ (stream + 1) * UINT64_C(0xD1B54A32D192ED03);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n); the modulo bias is below 2^-40 for the n used here. */
static int rng_below(struct rng *r, int n)
{
	return n > 0 ? (int)(rng_next(r) % (uint64_t)n) : 0;
}

/* Uniform in [lo, hi]; lo when the range is empty. */
static int rng_range(struct rng *r, int lo, int hi)
{
	return hi > lo ? lo + rng_below(r, hi - lo + 1) : lo;
}

static int rng_pct(struct rng *r, int pct)
{
	return rng_below(r, 100) < pct;
}

/* An index into weights[0..n), drawn in proportion to the weights. */
static int rng_weighted(struct rng *r, const int *weights, int n)
{
	int total = 0, x;

	for (int i = 0; i < n; i++)
		total += weights[i];
	x = rng_below(r, total);
	for (int i = 0; i < n; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return n - 1;
}

/* ------------------------------------------------------------------ */
/* Dates: day numbers (days since 1970-01-01) and month numbers        */
/* (year * 12 + month - 1), so that "2 days later" and month walks are */
/* exact integer arithmetic, free of time zones and mktime.            */
/* ------------------------------------------------------------------ */

/* Howard Hinnant's days_from_civil. */
static int days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Howard Hinnant's civil_from_days. */
static void civil_from_days(int z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int month_first(int mi)
{
	return days_from_civil(mi / 12, mi % 12 + 1, 1);
}

static int month_last(int mi)
{
	return month_first(mi + 1) - 1;
}

static int month_len(int mi)
{
	return month_first(mi + 1) - month_first(mi);
}

static int month_of(int day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	return y * 12 + m - 1;
}

static void fmt_date(char out[16], int day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

static void fmt_month(char out[16], int mi)
{
	snprintf(out, 16, "%04d-%02d", mi / 12, mi % 12 + 1);
}

static int imin(int a, int b)
{
	return a < b ? a : b;
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

/* ------------------------------------------------------------------ */
/* Errors and SQLite                                                    */
/* ------------------------------------------------------------------ */

enum {
	ST_CASE, ST_PARTY, ST_ORDER, ST_CHARGE, ST_PAYMENT, ST_DISB, ST_ADJ,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_CASE] = "INSERT INTO cases (case_key, case_id, county, status,"
		    " opened_on) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_PARTY] = "INSERT INTO parties (party_id, case_key, role, name,"
		     " addr1, addr2, city, state, zip, country, lang, ssn,"
		     " delivery_point) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		     " ?9, 'US', ?10, ?11, ?12)",
	[ST_ORDER] = "INSERT INTO orders (order_id, case_key, monthly_cents,"
		     " start_date, end_date, pay_method, recorded_on)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_CHARGE] = "INSERT INTO charges (case_key, order_id, charge_date,"
		      " amount_cents, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_PAYMENT] = "INSERT INTO payments (case_key, received_on,"
		       " credit_month, amount_cents, source)"
		       " VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_DISB] = "INSERT INTO disbursements (case_key, party_id,"
		    " disbursed_on, amount_cents, method)"
		    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_ADJ] = "INSERT INTO adjustments (case_key, adjusted_on,"
		   " amount_cents, reason) VALUES (?1, ?2, ?3, ?4)",
};

static const char *const stmt_table[ST_COUNT] = {
	"cases", "parties", "orders", "charges", "payments", "disbursements",
	"adjustments",
};

/* What to clean up if the run fails half way. */
static struct {
	const char *path;       /* set once we created the file */
	char *faults_path;      /* --bad: set once we created FILE.faults.tsv */
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
} G;

/* Closes the database and removes the half-written file (and a journal). */
static void discard_output(void)
{
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(G.st[i]);
		G.st[i] = NULL;
	}
	if (G.db) {
		sqlite3_close(G.db);
		G.db = NULL;
	}
	if (G.path) {
		size_t n = strlen(G.path);
		char *journal = malloc(n + sizeof("-journal"));

		remove(G.path);
		if (journal) {
			memcpy(journal, G.path, n);
			memcpy(journal + n, "-journal", sizeof("-journal"));
			remove(journal);
			free(journal);
		}
		G.path = NULL;
	}
	if (G.faults_path) {
		remove(G.faults_path);
		free(G.faults_path);
		G.faults_path = NULL;
	}
}

/* Reports a failed SQLite call (with SQLite's message) and gives up. */
static _Noreturn void die_sql(const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s",
		 G.db ? sqlite3_errmsg(G.db) : "out of memory");
	fprintf(stderr, "genledger: %s: %s\n", what, msg);
	discard_output();
	exit(1);
}

static _Noreturn void die_oom(void)
{
	fprintf(stderr, "genledger: out of memory\n");
	discard_output();
	exit(1);
}

static void exec_sql(const char *sql, const char *what)
{
	char *err = NULL;

	if (sqlite3_exec(G.db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "genledger: %s: %s\n", what,
			err ? err : sqlite3_errmsg(G.db));
		sqlite3_free(err);
		discard_output();
		exit(1);
	}
}

static void bind_int(int st, int i, int64_t v)
{
	if (sqlite3_bind_int64(G.st[st], i, v) != SQLITE_OK)
		die_sql("binding a parameter");
}

/* Binds s, or SQL NULL when s is NULL. */
static void bind_text(int st, int i, const char *s)
{
	int rc = s ? sqlite3_bind_text(G.st[st], i, s, -1, SQLITE_TRANSIENT)
		   : sqlite3_bind_null(G.st[st], i);

	if (rc != SQLITE_OK)
		die_sql("binding a parameter");
}

static void bind_date(int st, int i, int day)
{
	char buf[16];

	fmt_date(buf, day);
	bind_text(st, i, buf);
}

/* Runs an insert and readies the statement for its next row. */
static void step(int st)
{
	char what[64];

	if (sqlite3_step(G.st[st]) != SQLITE_DONE) {
		snprintf(what, sizeof(what), "inserting into %s",
			 stmt_table[st]);
		die_sql(what);
	}
	if (sqlite3_reset(G.st[st]) != SQLITE_OK) {
		snprintf(what, sizeof(what), "resetting the %s insert",
			 stmt_table[st]);
		die_sql(what);
	}
}

/* ------------------------------------------------------------------ */
/* People and places                                                    */
/* ------------------------------------------------------------------ */

/* A county drawn by caseload weight, other than avoid (-1: any). */
static int pick_county(struct rng *r, int avoid)
{
	int w[NELEM(counties)];

	for (int i = 0; i < NELEM(counties); i++)
		w[i] = i == avoid ? 0 : counties[i].weight;
	return rng_weighted(r, w, NELEM(counties));
}

static int pick_lang(struct rng *r)
{
	int w[NELEM(langs)];

	for (int i = 0; i < NELEM(langs); i++)
		w[i] = langs[i].per_mille;
	return rng_weighted(r, w, NELEM(langs));
}

/*
 * A name as the agency would have it on file, in the culture that goes
 * with the preferred language (English speakers come from everywhere).
 */
static void make_name(struct rng *r, int lang, int female, char *out,
		      size_t cap)
{
	int cu = langs[lang].culture;
	const struct culture *c;
	const char *first, *last, *last2 = NULL;
	char middle[4] = "";
	int li;

	if (cu < 0)
		cu = rng_weighted(r, en_mix, CU_COUNT);
	if (cu == CU_VIET) {
		snprintf(out, cap, "%s %s %s", PICK(r, viet_family),
			 female ? PICK(r, viet_mid_f) : PICK(r, viet_mid_m),
			 female ? PICK(r, viet_given_f) : PICK(r, viet_given_m));
		return;
	}
	c = &cultures[cu];
	first = female ? c->first_f[rng_below(r, c->n_first_f)]
		       : c->first_m[rng_below(r, c->n_first_m)];
	li = rng_below(r, c->n_last);
	last = female && c->last_f ? c->last_f[li] : c->last_m[li];
	if (rng_pct(r, c->double_pct)) {
		int lj = (li + 1 + rng_below(r, c->n_last - 1)) % c->n_last;

		last2 = female && c->last_f ? c->last_f[lj] : c->last_m[lj];
	}
	if (rng_pct(r, c->middle_pct))
		snprintf(middle, sizeof(middle), "%c.", 'A' + rng_below(r, 26));
	snprintf(out, cap, "%s%s%s %s%s%s%s", first, middle[0] ? " " : "",
		 middle, last,
		 last2 ? (cu == CU_HISP && rng_pct(r, 70) ? " " : "-") : "",
		 last2 ? last2 : "",
		 cu == CU_ANGLO && !female && rng_pct(r, 3) ? " Jr." : "");
}

/*
 * A mailing address in county c: a real street of the borough (Queens
 * house numbers are hyphenated, 37-15), sometimes an apartment, sometimes
 * a PO box, sometimes ZIP+4.
 */
static void make_address(struct rng *r, struct party *p, int c)
{
	const struct county *co = &counties[c];
	const char *street = co->streets[rng_below(r, co->n_streets)];
	const char *zip;

	if (co->city) {
		snprintf(p->city_buf, sizeof(p->city_buf), "%s", co->city);
		zip = co->zips[rng_below(r, co->n_zips)];
	} else {
		const struct place *pl = &PICK(r, queens_places);

		snprintf(p->city_buf, sizeof(p->city_buf), "%s", pl->city);
		zip = pl->zip;
	}
	p->addr2 = NULL;
	if (rng_pct(r, 2)) {
		snprintf(p->addr1_buf, sizeof(p->addr1_buf), "PO Box %d",
			 rng_range(r, 1, 9999));
	} else {
		if (c == QUEENS)
			snprintf(p->addr1_buf, sizeof(p->addr1_buf),
				 "%d-%02d %s", rng_range(r, 1, 250),
				 rng_range(r, 1, 99), street);
		else
			snprintf(p->addr1_buf, sizeof(p->addr1_buf), "%d %s",
				 rng_range(r, 1, 2999), street);
		if (rng_pct(r, 35)) {
			static const char *const unit_fmt[] = {
				"Apt %d%c", "Apt %d%c", "Apt %d%c", "#%d%c",
				"Unit %d%c",
			};
			int floor = rng_range(r, 1, 24);
			char letter = (char)('A' + rng_below(r, 8));
			const char *fmt = PICK(r, unit_fmt);

			if (fmt[0] == '#')
				snprintf(p->addr2_buf, sizeof(p->addr2_buf),
					 "#%d%c", floor, letter);
			else if (fmt[0] == 'U')
				snprintf(p->addr2_buf, sizeof(p->addr2_buf),
					 "Unit %d%c", floor, letter);
			else
				snprintf(p->addr2_buf, sizeof(p->addr2_buf),
					 "Apt %d%c", floor, letter);
			p->addr2 = p->addr2_buf;
		}
	}
	if (rng_pct(r, 12))
		snprintf(p->zip_buf, sizeof(p->zip_buf), "%s-%04d", zip,
			 rng_range(r, 1, 9999));
	else
		snprintf(p->zip_buf, sizeof(p->zip_buf), "%s", zip);
	p->addr1 = p->addr1_buf;
	p->city = p->city_buf;
	p->state = "NY";
	p->zip = p->zip_buf;
}

/* A fake SSN in valid form: area 001-899 but not 666, no zero group. */
static void make_ssn(struct rng *r, char out[16])
{
	int area;

	do
		area = rng_range(r, 1, 899);
	while (area == 666);
	snprintf(out, 16, "%03d%02d%04d", area, rng_range(r, 1, 99),
		 rng_range(r, 1, 9999));
}

/* One party; lang is an index into langs, county where they live. */
static void make_party(struct rng *r, struct party *p, int64_t id,
		       const char *role, int female, int lang, int county)
{
	p->id = id;
	p->role = role;
	p->female = female;
	p->lang = langs[lang].code;
	make_name(r, lang, female, p->name, sizeof(p->name));
	make_address(r, p, county);
	p->ssn = NULL;
	if (rng_pct(r, 50)) {
		make_ssn(r, p->ssn_buf);
		p->ssn = p->ssn_buf;
	}
	p->method = PICK(r, disb_methods);
}

/*
 * Kind (f): an address a letter cannot go to. Four shapes a loader really
 * produces: blanks with no ZIP, all NULL, a street without ZIP, and empty
 * strings everywhere but the city.
 */
static void blank_address(struct rng *r, struct party *p, int shape)
{
	if (shape < 0)
		shape = rng_below(r, 4);
	p->addr2 = NULL;
	switch (shape) {
	case 0:
		p->addr1 = "";
		p->city = "";
		p->state = "";
		p->zip = NULL;
		break;
	case 1:
		p->addr1 = p->city = p->state = p->zip = NULL;
		break;
	case 2:
		p->zip = NULL;
		break;
	default:
		p->addr1 = "";
		p->zip = "";
		break;
	}
}

/* The case identifier New York uses: two letters, five digits, a letter, a digit. */
static void format_case_id(char out[16], uint64_t v)
{
	int d = (int)(v % 10), l3, num, l2, l1;

	v /= 10;
	l3 = (int)(v % 26);
	v /= 26;
	num = (int)(v % 100000);
	v /= 100000;
	l2 = (int)(v % 26);
	l1 = (int)(v / 26 % 26);
	snprintf(out, 16, "%c%c%05d%c%d", 'A' + l1, 'A' + l2, num, 'A' + l3, d);
}

/*
 * A keyed permutation of [0, 2^36): four Feistel rounds on 18-bit halves.
 * Any round function gives a bijection; splitmix64 makes it look random.
 */
static uint64_t feistel36(uint64_t x, uint64_t key)
{
	uint64_t l = x >> 18, r = x & 0x3FFFF;

	for (uint64_t round = 0; round < 4; round++) {
		uint64_t h = key ^ (round << 40) ^ r;
		uint64_t t = l ^ (splitmix64(&h) & 0x3FFFF);

		l = r;
		r = t;
	}
	return (l << 18) | r;
}

/*
 * Case ids must be unique (within a county); rather than draw and hope,
 * case i gets the image of i under a seeded permutation of all
 * 26*26*10^5*26*10 ids: the Feistel permutation of 2^36 numbers, applied
 * again until it lands among the ids ("cycle walking"), stays a
 * permutation of them.
 */
static void case_id_for(const struct gen *g, int64_t index, char out[16])
{
	const uint64_t space = UINT64_C(26) * 26 * 100000 * 26 * 10;
	uint64_t x = (uint64_t)index;

	do
		x = feistel36(x, g->id_key);
	while (x >= space);
	format_case_id(out, x);
}

/* ------------------------------------------------------------------ */
/* Orders                                                               */
/* ------------------------------------------------------------------ */

/* Support in cents: mostly a few hundred dollars, round-ish. */
static int64_t draw_monthly(struct rng *r)
{
	int a = rng_range(r, 10, 300), b = rng_range(r, 10, 300);
	int64_t cents = 500 * (int64_t)imin(a, b);

	if (rng_pct(r, 70))
		cents = (cents + 1250) / 2500 * 2500;
	return cents < 5000 ? 5000 : cents;
}

/*
 * An ordinary running order from month start_m: withheld by the employer
 * (iwo, from 0-2 months after the order) or paid directly, and paid in
 * full, with the odd month missed, or only in part.
 */
static void order_normal(struct gen *g, struct rng *r, struct order *o,
			 int start_m, int iwo_pct)
{
	int profile = rng_below(r, 100);

	memset(o, 0, sizeof(*o));
	o->id = g->next_order_id++;
	o->start_m = start_m;
	o->end_m = NO_END;
	o->monthly = draw_monthly(r);
	o->iwo = rng_pct(r, iwo_pct);
	o->recorded = month_first(start_m) + rng_range(r, 2, 10);
	o->pay_from_m = start_m;
	if (o->iwo)
		o->pay_from_m += rng_weighted(r, (const int[]){40, 45, 15}, 3);
	o->pay_to_m = NO_END;
	o->sched = o->iwo ? SCHED_SEMI : SCHED_MONTHLY;
	o->day1 = o->iwo ? rng_range(r, 1, 4) : rng_range(r, 1, 28);
	o->day2 = rng_range(r, 15, 18);
	o->paid_pct = 100;
	if (profile >= 55 && profile < 85) {
		o->miss_pct = 10;
	} else if (profile >= 85) {
		o->miss_pct = 5;
		o->paid_pct = 10 * rng_range(r, 5, 9);
	}
	o->late_pct = o->iwo ? 0 : 4;
}

/* An order that pays exactly what it charges, from its first month. */
static void order_exact(struct order *o)
{
	o->pay_from_m = o->start_m;
	o->miss_pct = 0;
	o->paid_pct = 100;
	o->late_pct = 0;
}

/* Ends order o at the end of month end_m (a later order replaced it). */
static void order_end(struct order *o, int end_m)
{
	o->end_m = end_m;
	o->pay_to_m = end_m;
}

/* The normal case: one order, or (10%) a modified order replacing an old one. */
static void plan_normal_orders(struct gen *g, struct rng *r, struct plan *pl)
{
	if (rng_pct(r, 10)) {
		int new_m = g->am - rng_range(r, 3, 18);

		order_normal(g, r, &pl->o[0], new_m - rng_range(r, 4, 12), 60);
		order_end(&pl->o[0], new_m - 1);
		order_normal(g, r, &pl->o[1], new_m, 60);
		pl->n_orders = 2;
	} else {
		order_normal(g, r, &pl->o[0], g->am - rng_range(r, 3, 30), 60);
		pl->n_orders = 1;
	}
	/* now and then the NCP loses the job: UI benefits replace the IWO */
	for (int i = 0; i < pl->n_orders; i++) {
		struct order *o = &pl->o[i];
		int last = imin(o->pay_to_m, g->am - 1);

		if (o->iwo && last - o->pay_from_m >= 5 && rng_pct(r, 6)) {
			pl->ui_order = i;
			pl->ui_from_m = rng_range(r, o->pay_from_m + 1, last - 2);
			pl->ui_to_m = imin(pl->ui_from_m + rng_range(r, 1, 3), last);
			pl->ui_first_day = month_first(pl->ui_from_m) +
					   rng_range(r, 0, 6);
			/* half the weekly benefit, but no more than the order asks */
			pl->ui_amount = 50 * rng_range(r, 120, 504);
			if (pl->ui_amount > o->monthly * 12 / 52 / 50 * 50)
				pl->ui_amount = o->monthly * 12 / 52 / 50 * 50;
			break;
		}
	}
	pl->tax_ok = 1;
}

/* Kind (a): pays until 3-6 months before A, then nothing at all. */
static void plan_quiet(struct gen *g, struct rng *r, struct plan *pl)
{
	int stop_m = g->am - rng_range(r, 3, 6);

	order_normal(g, r, &pl->o[0], g->am - rng_range(r, 10, 30), 60);
	pl->n_orders = 1;
	pl->stop_day = month_last(stop_m);
	pl->tax_ok = 1;
}

/*
 * Kind (b): pays in full, and once, in the month before A, sends a direct
 * payment on top that leaves a credit (as when the employer withholds too).
 */
static void plan_credit(struct gen *g, struct rng *r, struct plan *pl)
{
	order_normal(g, r, &pl->o[0], g->am - rng_range(r, 6, 30), 60);
	order_exact(&pl->o[0]);
	pl->n_orders = 1;
	pl->credit_lump = 1;
}

/*
 * Kind (c): the order ended 2-8 months ago with arrears (30-50% of each
 * month unpaid); the NCP still pays 10-25% of the old amount a month,
 * which cannot clear the arrears by A.
 */
static void plan_arrears(struct gen *g, struct rng *r, struct plan *pl)
{
	struct order *o = &pl->o[0];
	int64_t after;

	order_normal(g, r, o, g->am - rng_range(r, 14, 30), 60);
	o->end_m = g->am - rng_range(r, 2, 8);
	o->pay_from_m = o->start_m;
	o->pay_to_m = NO_END;
	o->miss_pct = 0;
	o->late_pct = 0;
	o->paid_pct = 10 * rng_range(r, 5, 7);
	after = o->monthly * rng_range(r, 10, 25) / 100 / 500 * 500;
	o->after_end = after < 500 ? 500 : after;
	pl->n_orders = 1;
}

/*
 * Kind (d): an old order replaced by a new one (IWO), plus a second
 * running order for another child, paid directly.
 */
static void plan_multi(struct gen *g, struct rng *r, struct plan *pl)
{
	int second_m = g->am - rng_range(r, 8, 20);

	order_normal(g, r, &pl->o[0], second_m - rng_range(r, 4, 10), 60);
	order_end(&pl->o[0], second_m - 1);
	order_normal(g, r, &pl->o[1], second_m, 100);
	order_normal(g, r, &pl->o[2], g->am - rng_range(r, 3, 7), 0);
	pl->n_orders = 3;
	pl->tax_ok = 1;
}

/*
 * Kind (e): pays weekly, then every day in the month before A and in A's
 * month, with UI intercepts on top: 32-36 payments in that month, so a
 * statement's history runs onto a second page.
 */
static void plan_long(struct gen *g, struct rng *r, struct plan *pl)
{
	struct order *o = &pl->o[0];

	order_normal(g, r, o, g->am - rng_range(r, 6, 18), 0);
	order_exact(o);
	o->monthly = 500 * rng_range(r, 60, 200);
	o->sched = SCHED_WEEKLY;
	o->day1 = rng_range(r, 1, 7);
	pl->n_orders = 1;
	pl->daily_from_m = g->am - 1;
	pl->ui_order = -1;
	pl->ui_from_m = pl->ui_to_m = g->am - 1;
	pl->ui_first_day = month_first(g->am - 1) + rng_range(r, 0, 6);
	pl->ui_amount = o->monthly / 10 / 50 * 50;
}

/*
 * PIN letters: an order recorded in the 7 days before A, starting on the
 * first of A's month or of the month before. Either a new case (nothing
 * paid yet) or a modification (the NCP keeps paying the old amount).
 */
static void plan_pin(struct gen *g, struct rng *r, struct plan *pl, int fresh)
{
	int start_m = g->am - rng_range(r, 0, 1);
	struct order *o;

	pl->n_orders = 0;
	if (!fresh) {
		o = &pl->o[pl->n_orders++];
		order_normal(g, r, o, start_m - rng_range(r, 3, 24), 60);
		o->end_m = start_m - 1;
		o->pay_to_m = NO_END;
		o->after_end = o->monthly;
		pl->tax_ok = 1;
	}
	o = &pl->o[pl->n_orders++];
	order_normal(g, r, o, start_m, 60);
	o->recorded = g->asof - rng_range(r, 1, 7);
	o->pay_from_m = g->am + 1;      /* nothing paid on it yet */
}

/* A closed case: its one order ended 3-12 months ago, paid to the cent. */
static void plan_closed(struct gen *g, struct rng *r, struct plan *pl)
{
	struct order *o = &pl->o[0];
	int end_m = g->am - rng_range(r, 3, 12);

	order_normal(g, r, o, rng_range(r, g->am - 30, end_m - 6), 60);
	order_exact(o);
	order_end(o, end_m);
	pl->n_orders = 1;
	pl->status = "closed";
}

static enum kind draw_kind(struct rng *r)
{
	int x = rng_below(r, 1000);

	for (int i = 0; i < NELEM(kind_mix); i++) {
		if (x < kind_mix[i].per_mille)
			return kind_mix[i].kind;
		x -= kind_mix[i].per_mille;
	}
	return K_NORMAL;
}

/* The two parties: a CP (mostly mothers) and an NCP who may live elsewhere. */
static void plan_parties(struct rng *r, struct plan *pl)
{
	int cp_lang = pick_lang(r);
	int ncp_lang = rng_pct(r, 60) ? cp_lang : pick_lang(r);

	/*
	 * Cases 12 to 24 speak each language once, so a small demo shows all
	 * thirteen; the two new orders (cases 9 and 24) get PIN letters in
	 * Haitian Creole and Korean, the languages of the agency's flyers.
	 */
	if (pl->key >= 12 && pl->key < 12 + (int64_t)NELEM(langs))
		cp_lang = ncp_lang = (int)((pl->key - 12 + 7) % NELEM(langs));
	if (pl->key == 9)
		cp_lang = ncp_lang = 7;
	int cp_county = rng_pct(r, 90) ? pl->county : pick_county(r, -1);
	int ncp_county = rng_pct(r, 70) ? pl->county : pick_county(r, -1);

	make_party(r, &pl->cp, 2 * pl->key - 1, "CP", rng_pct(r, 80),
		   cp_lang, cp_county);
	make_party(r, &pl->ncp, 2 * pl->key, "NCP", rng_pct(r, 20), ncp_lang,
		   ncp_county);
}

/* Kind (g): a 60-character name, an awkward one, and a 60+ character street. */
static void plan_names(struct rng *r, struct plan *pl)
{
	const struct fixed_name *ln = &PICK(r, long_names);
	const struct fixed_name *tn = &PICK(r, tricky_names);
	struct party *p = &pl->cp;

	snprintf(pl->ncp.name, sizeof(pl->ncp.name), "%s", ln->name);
	pl->ncp.lang = ln->lang;
	snprintf(p->name, sizeof(p->name), "%s", tn->name);
	p->lang = tn->lang;
	make_address(r, p, pl->county);
	snprintf(p->addr1_buf, sizeof(p->addr1_buf), "%s",
		 counties[pl->county].long_addr1);
	p->addr1 = p->addr1_buf;
	snprintf(p->addr2_buf, sizeof(p->addr2_buf),
		 "c/o D'Angelo-Núñez Family, Apartment %d%c",
		 rng_range(r, 1, 24), 'A' + rng_below(r, 8));
	p->addr2 = p->addr2_buf;
}

/* The first day of any order of the plan. */
static int plan_first_day(const struct plan *pl)
{
	int first = INT_MAX;

	for (int i = 0; i < pl->n_orders; i++)
		first = imin(first, month_first(pl->o[i].start_m));
	return first;
}

/*
 * The extras ordinary cases get now and then: an annual service fee (8%)
 * and one adjustment (5%). Kinds whose balance is the point (arrears,
 * closed) and brand-new orders get neither.
 */
static void plan_extras(struct gen *g, struct rng *r, struct plan *pl)
{
	static const struct {
		const char *reason;
		int64_t cents;          /* 0: one month of support */
	} adj[] = {
		{"court-ordered credit", -5000}, {"court-ordered credit", -15000},
		{"fee", 2500}, {"retroactive support", 0},
		{"arrears cap reduction", -25000},
	};
	int first, last, k;

	if (pl->kind == K_ARREARS || pl->kind == K_CLOSED ||
	    (pl->kind == K_PIN && pl->n_orders == 1))
		return;
	pl->fee = rng_pct(r, 8);
	if (!rng_pct(r, 5))
		return;
	first = plan_first_day(pl) + 30;
	last = imin(g->asof - 1, pl->stop_day);
	if (pl->kind == K_QUIET)
		last = imin(last, month_last(g->am - 3));
	if (last < first)
		return;
	k = rng_below(r, NELEM(adj));
	pl->has_adj = 1;
	pl->adj_day = rng_range(r, first, last);
	pl->adj_reason = adj[k].reason;
	pl->adj_amount = adj[k].cents ? adj[k].cents : pl->o[0].monthly;
}

/* Decides everything about case number index (0-based), drawing from its own stream. */
static void plan_case(struct gen *g, int64_t index, struct plan *pl)
{
	struct rng r;

	rng_init(&r, g->seed, (uint64_t)index);
	memset(pl, 0, sizeof(*pl));
	pl->key = index + 1;
	pl->kind = index < NELEM(first_kinds) ? first_kinds[index]
					      : draw_kind(&r);
	if ((pl->kind == K_DUPID && index == 0) || g->force_normal)
		pl->kind = K_NORMAL;
	pl->status = "open";
	pl->stop_day = g->asof;
	pl->daily_from_m = NO_END;
	pl->ui_order = -1;
	pl->ui_from_m = NO_END;
	pl->tax_moy = rng_range(&r, 1, 4);      /* February to May */
	if (pl->kind == K_DUPID) {
		memcpy(pl->case_id, g->prev_case_id, sizeof(pl->case_id));
		pl->county = pick_county(&r, g->prev_county);
	} else {
		case_id_for(g, index, pl->case_id);
		pl->county = pick_county(&r, -1);
	}
	plan_parties(&r, pl);

	switch (pl->kind) {
	case K_QUIET:
		plan_quiet(g, &r, pl);
		break;
	case K_CREDIT:
		plan_credit(g, &r, pl);
		break;
	case K_ARREARS:
		plan_arrears(g, &r, pl);
		break;
	case K_MULTI:
		plan_multi(g, &r, pl);
		break;
	case K_LONG:
		plan_long(g, &r, pl);
		break;
	case K_PIN:
		plan_pin(g, &r, pl, index < NELEM(first_kinds) || rng_pct(&r, 60));
		break;
	case K_CLOSED:
		plan_closed(g, &r, pl);
		break;
	case K_NOADDR:
		plan_normal_orders(g, &r, pl);
		if (index < NELEM(first_kinds))
			blank_address(&r, &pl->ncp, 0);
		else
			blank_address(&r, rng_pct(&r, 70) ? &pl->ncp : &pl->cp,
				      -1);
		break;
	case K_NAMES:
		plan_normal_orders(g, &r, pl);
		plan_names(&r, pl);
		break;
	case K_NORMAL:
	case K_DUPID:
		plan_normal_orders(g, &r, pl);
		break;
	}
	plan_extras(g, &r, pl);
	pl->opened = plan_first_day(pl) - rng_range(&r, 14, 180);
	if (pl->kind == K_PIN && pl->n_orders == 1)
		pl->opened = pl->o[0].recorded - rng_range(&r, 20, 120);

	/* A duplicate is never copied again: two in a row could land back in the first's county. */
	if (pl->kind != K_DUPID) {
		memcpy(g->prev_case_id, pl->case_id, sizeof(g->prev_case_id));
		g->prev_county = pl->county;
	}
}

/* ------------------------------------------------------------------ */
/* Money: charges and payments of one case, built, sorted, then written */
/* ------------------------------------------------------------------ */

static void push_charge(struct gen *g, int day, int64_t order_id,
			int64_t amount, const char *kind)
{
	struct charge *c;

	if (g->n_charges == g->cap_charges) {
		int cap = g->cap_charges ? 2 * g->cap_charges : 256;
		struct charge *n = realloc(g->charges, (size_t)cap * sizeof(*n));

		if (!n)
			die_oom();
		g->charges = n;
		g->cap_charges = cap;
	}
	c = &g->charges[g->n_charges];
	c->day = day;
	c->seq = g->n_charges++;
	c->order_id = order_id;
	c->amount = amount;
	c->kind = kind;
}

/* Records a payment, unless it falls after the case's last paying day or A. */
static void push_pay(struct gen *g, const struct plan *pl, int day,
		     int credit_m, int64_t amount, const char *source)
{
	struct pay *p;

	if (day > pl->stop_day || day > g->asof || amount <= 0)
		return;
	if (g->n_pays == g->cap_pays) {
		int cap = g->cap_pays ? 2 * g->cap_pays : 256;
		struct pay *n = realloc(g->pays, (size_t)cap * sizeof(*n));

		if (!n)
			die_oom();
		g->pays = n;
		g->cap_pays = cap;
	}
	p = &g->pays[g->n_pays];
	p->day = day;
	p->credit_m = credit_m;
	p->seq = g->n_pays++;
	p->amount = amount;
	p->source = source;
}

/* Date order; among equal dates, the order they were made in. */
static int cmp_pay(const void *a, const void *b)
{
	const struct pay *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_charge(const void *a, const void *b)
{
	const struct charge *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Support on the 1st of every month an order runs (up to A's month), and fees. */
static void build_charges(struct gen *g, const struct plan *pl)
{
	g->n_charges = 0;
	for (int i = 0; i < pl->n_orders; i++) {
		const struct order *o = &pl->o[i];
		int last = imin(o->end_m, g->am);

		for (int m = o->start_m; m <= last; m++)
			push_charge(g, month_first(m), o->id, o->monthly,
				    "support");
	}
	if (pl->fee) {
		int first_m = month_of(plan_first_day(pl));

		for (int m = first_m + 12; m <= g->am; m += 12)
			if (month_first(m) + 14 <= g->asof)
				push_charge(g, month_first(m) + 14, 0, 2500,
					    "fee");
	}
	qsort(g->charges, (size_t)g->n_charges, sizeof(*g->charges),
	      cmp_charge);
}

/* What the NCP owes at the start of day: charges and adjustments up to it, less payments before it. */
static int64_t balance_before(const struct gen *g, const struct plan *pl,
			      int day)
{
	int64_t bal = 0;

	for (int i = 0; i < g->n_charges; i++)
		if (g->charges[i].day <= day)
			bal += g->charges[i].amount;
	if (pl->has_adj && pl->adj_day <= day)
		bal += pl->adj_amount;
	for (int i = 0; i < g->n_pays; i++)
		if (g->pays[i].day < day)
			bal -= g->pays[i].amount;
	return bal;
}

/* One month's payments on order o, amount amt, in the order's rhythm. */
static void pay_month(struct gen *g, struct rng *r, const struct plan *pl,
		      const struct order *o, int m, int64_t amt)
{
	int len = month_len(m), first = month_first(m);
	const char *src = o->iwo ? "iwo" : "direct";

	if (m >= pl->daily_from_m) {
		int64_t each = amt / (2 * len);

		for (int d = 0; d < len; d++)
			push_pay(g, pl, first + d, m, each, src);
		return;
	}
	switch (o->sched) {
	case SCHED_SEMI:
		push_pay(g, pl, first + imin(o->day1 + rng_below(r, 2), len) - 1,
			 m, amt / 2, src);
		push_pay(g, pl, first + imin(o->day2 + rng_below(r, 2), len) - 1,
			 m, amt - amt / 2, src);
		break;
	case SCHED_MONTHLY: {
		int d = o->day1 + rng_range(r, -2, 2);
		int late = first + len + rng_below(r, 5);

		d = imax(1, imin(d, 28));
		if (rng_pct(r, o->late_pct) && late <= g->asof)
			push_pay(g, pl, late, m, amt, src);
		else
			push_pay(g, pl, first + d - 1, m, amt, src);
		break;
	}
	case SCHED_WEEKLY:
		for (int d = o->day1; d <= len; d += 7)
			push_pay(g, pl, first + d - 1, m, amt * 12 / 52, src);
		break;
	}
}

/* The regular payments on one order, month by month. */
static void pay_order(struct gen *g, struct rng *r, const struct plan *pl,
		      int oi)
{
	const struct order *o = &pl->o[oi];
	int last = imin(o->pay_to_m, g->am);

	for (int m = o->pay_from_m; m <= last; m++) {
		int64_t amt;

		if (pl->ui_order == oi && m >= pl->ui_from_m && m <= pl->ui_to_m)
			continue;
		if (rng_pct(r, o->miss_pct))
			continue;
		if (m <= o->end_m)
			amt = o->monthly * o->paid_pct / 100 / 100 * 100;
		else
			amt = o->after_end;
		pay_month(g, r, pl, o, m, amt);
	}
}

/*
 * Tax refund offsets: in spring, now and then, when $500 or more is past
 * due, the refund is intercepted, up to what is past due (non-round).
 */
static void pay_tax_offsets(struct gen *g, struct rng *r,
			    const struct plan *pl)
{
	int first_m = month_of(plan_first_day(pl));

	if (!pl->tax_ok)
		return;
	for (int y = first_m / 12; y <= g->am / 12; y++) {
		int m = y * 12 + pl->tax_moy, day;
		int64_t bal, amt;

		if (m <= first_m || m > g->am || !rng_pct(r, 35))
			continue;
		day = month_first(m) + rng_below(r, month_len(m));
		/* only what is past due: not this month's support, paid later */
		bal = balance_before(g, pl, day);
		for (int i = 0; i < g->n_charges; i++)
			if (month_of(g->charges[i].day) == m)
				bal -= g->charges[i].amount;
		if (bal < 50000)
			continue;
		amt = rng_range(r, 15000, 300000);
		push_pay(g, pl, day, m, amt < bal ? amt : bal, "tax_offset");
	}
}

/* Weekly unemployment-insurance intercepts over the plan's UI stretch. */
static void pay_ui(struct gen *g, const struct plan *pl)
{
	if (pl->ui_from_m == NO_END)
		return;
	for (int d = pl->ui_first_day; d <= month_last(pl->ui_to_m); d += 7)
		push_pay(g, pl, d, month_of(d), pl->ui_amount, "ui");
}

/* Kind (b): one direct payment in the month before A that leaves a credit. */
static void pay_credit_lump(struct gen *g, struct rng *r,
			    const struct plan *pl)
{
	int m = g->am - 1;
	int64_t bal = balance_before(g, pl, INT_MAX);
	int64_t extra = pl->o[0].monthly * rng_range(r, 25, 150) / 100;

	extra = extra / 500 * 500;
	if (extra < 500)
		extra = 500;
	push_pay(g, pl, month_first(m) + rng_below(r, month_len(m)), m,
		 (bal > 0 ? bal : 0) + extra, "direct");
}

static void build_payments(struct gen *g, struct rng *r, const struct plan *pl)
{
	g->n_pays = 0;
	for (int i = 0; i < pl->n_orders; i++)
		pay_order(g, r, pl, i);
	pay_ui(g, pl);
	pay_tax_offsets(g, r, pl);
	if (pl->credit_lump)
		pay_credit_lump(g, r, pl);
	qsort(g->pays, (size_t)g->n_pays, sizeof(*g->pays), cmp_pay);
}

/* ------------------------------------------------------------------ */
/* Writing one case                                                     */
/* ------------------------------------------------------------------ */

/*
 * The USPS delivery point of a ZIP+4 address: the last two digits of its
 * house or box number (the rule for most addresses). Not drawn from the
 * generator, so ledgers made before it existed keep their other fields.
 */
static const char *delivery_point(const struct party *p, char out[3])
{
	const char *a = p->addr1, *end;

	if (!a || !p->zip || strlen(p->zip) != 10)
		return NULL;
	while (*a && !isdigit((unsigned char)*a))
		a++;
	for (end = a; isdigit((unsigned char)*end); end++)
		;
	if (end == a)
		return NULL;
	out[0] = end - a >= 2 ? end[-2] : '0';
	out[1] = end[-1];
	out[2] = '\0';
	return out;
}

static void write_party(const struct plan *pl, const struct party *p)
{
	char dp[3];

	bind_int(ST_PARTY, 1, p->id);
	bind_int(ST_PARTY, 2, pl->key);
	bind_text(ST_PARTY, 3, p->role);
	bind_text(ST_PARTY, 4, p->name);
	bind_text(ST_PARTY, 5, p->addr1);
	bind_text(ST_PARTY, 6, p->addr2);
	bind_text(ST_PARTY, 7, p->city);
	bind_text(ST_PARTY, 8, p->state);
	bind_text(ST_PARTY, 9, p->zip);
	bind_text(ST_PARTY, 10, p->lang);
	bind_text(ST_PARTY, 11, p->ssn);
	bind_text(ST_PARTY, 12, delivery_point(p, dp));
	step(ST_PARTY);
}

static void write_order(struct gen *g, const struct plan *pl,
			const struct order *o)
{
	bind_int(ST_ORDER, 1, o->id);
	bind_int(ST_ORDER, 2, pl->key);
	bind_int(ST_ORDER, 3, o->monthly);
	bind_date(ST_ORDER, 4, month_first(o->start_m));
	if (o->end_m == NO_END)
		bind_text(ST_ORDER, 5, NULL);
	else
		bind_date(ST_ORDER, 5, month_last(o->end_m));
	bind_text(ST_ORDER, 6, o->iwo ? "iwo" : "direct");
	bind_date(ST_ORDER, 7, o->recorded);
	step(ST_ORDER);
	g->n_orders++;
}

/* Each payment, and its disbursement to the CP two days later if that is by A. */
static void write_payments(struct gen *g, const struct plan *pl)
{
	char month[16];

	for (int i = 0; i < g->n_pays; i++) {
		const struct pay *p = &g->pays[i];

		bind_int(ST_PAYMENT, 1, pl->key);
		bind_date(ST_PAYMENT, 2, p->day);
		fmt_month(month, p->credit_m);
		bind_text(ST_PAYMENT, 3, month);
		bind_int(ST_PAYMENT, 4, p->amount);
		bind_text(ST_PAYMENT, 5, p->source);
		step(ST_PAYMENT);
		g->n_payments++;
		if (p->day + 2 > g->asof)
			continue;
		bind_int(ST_DISB, 1, pl->key);
		bind_int(ST_DISB, 2, pl->cp.id);
		bind_date(ST_DISB, 3, p->day + 2);
		bind_int(ST_DISB, 4, p->amount);
		bind_text(ST_DISB, 5, pl->cp.method);
		step(ST_DISB);
		g->n_disb++;
	}
}

static void write_charges(struct gen *g, const struct plan *pl)
{
	for (int i = 0; i < g->n_charges; i++) {
		const struct charge *c = &g->charges[i];

		bind_int(ST_CHARGE, 1, pl->key);
		if (c->order_id)
			bind_int(ST_CHARGE, 2, c->order_id);
		else
			bind_text(ST_CHARGE, 2, NULL);
		bind_date(ST_CHARGE, 3, c->day);
		bind_int(ST_CHARGE, 4, c->amount);
		bind_text(ST_CHARGE, 5, c->kind);
		step(ST_CHARGE);
		g->n_charges_total++;
	}
}

/* Plans case number index, then writes all its rows. */
static void write_case(struct gen *g, int64_t index)
{
	struct plan pl;
	struct rng r;

	plan_case(g, index, &pl);
	/* a second stream for the money, so plans stay independent of it */
	rng_init(&r, g->seed ^ UINT64_C(0x6D6F6E6579), (uint64_t)index);

	bind_int(ST_CASE, 1, pl.key);
	bind_text(ST_CASE, 2, pl.case_id);
	bind_text(ST_CASE, 3, counties[pl.county].name);
	bind_text(ST_CASE, 4, pl.status);
	bind_date(ST_CASE, 5, pl.opened);
	step(ST_CASE);

	write_party(&pl, &pl.cp);
	write_party(&pl, &pl.ncp);
	g->n_parties += 2;
	for (int i = 0; i < pl.n_orders; i++)
		write_order(g, &pl, &pl.o[i]);

	build_charges(g, &pl);
	build_payments(g, &r, &pl);
	write_charges(g, &pl);
	write_payments(g, &pl);

	if (pl.has_adj) {
		bind_int(ST_ADJ, 1, pl.key);
		bind_date(ST_ADJ, 2, pl.adj_day);
		bind_int(ST_ADJ, 3, pl.adj_amount);
		bind_text(ST_ADJ, 4, pl.adj_reason);
		step(ST_ADJ);
	}
}

/* ------------------------------------------------------------------ */
/* --bad: injected faults, one extra case each                          */
/* ------------------------------------------------------------------ */

/*
 * Each fault is an ordinary open case (planned like the others, from the
 * stream of its own case number) that gets one bad row or value once it is
 * written. They come after the N good cases, so the good cases keep their
 * keys, ids and rows: a --bad ledger holds exactly the rows of the plain
 * ledger of the same seed, N and as-of date, plus the fault cases.
 *
 * "In the window" means the month before A, which the nightly notice and
 * statement of the run on A read row by row; "historic" rows lie six
 * months or more before A, where noticegen only sums them into balances.
 */
enum fault_id {
	F_NAME_UTF8, F_NAME_NUL, F_ADDR_CTRL, F_NAME_LONG, F_PAY_NEG,
	F_PAY_OVERFLOW, F_PAY_REAL, F_PAY_TEXT, F_DATE_9999, F_DATE_INVALID,
	F_LANG, F_ROLE, F_NO_PARTIES, F_TWO_CPS, F_PAY_DUP, F_PAY_SOURCE,
	F_DISB_METHOD, F_STATUS, F_HIST_NEG, F_HIST_REAL, F_HIST_TEXT,
	F_HIST_DATE, F_HIST_SUM, F_ADDR_FOREIGN, F_ADDR_ABROAD, F_ADDR_NO_ZIP,
	F_DELIVERY_POINT, F_COUNT
};

/*
 * expect: what the exceptions report must say about the case, as
 * case-insensitive substrings: every ';'-separated term must appear, and a
 * term may offer alternatives separated by '|'. "-" means no exception is
 * expected (the rows are valid, the case must be served). %Y in expect is
 * the year before A (see F_HIST_DATE).
 */
static const struct fault {
	const char *name;
	const char *expect;
	const char *what;
} faults[F_COUNT] = {
	[F_NAME_UTF8] = {"name-invalid-utf8", "party name;utf-8",
			 "CP name with Latin-1 bytes (invalid UTF-8)"},
	[F_NAME_NUL] = {"name-nul", "party name;control|nul",
			"NCP name with a NUL byte inside (TEXT of 9 bytes)"},
	[F_ADDR_CTRL] = {"address-control-chars", "address line 1;control",
			 "CP addr1 with BEL and ESC[2J"},
	[F_NAME_LONG] = {"name-10000-chars", "party name;long|10000",
			 "NCP name of 10,000 characters"},
	[F_PAY_NEG] = {"payment-negative", "payment;not positive|negative|-5000",
		       "payment of -5000 cents in the window"},
	[F_PAY_OVERFLOW] = {"payment-overflow", "payment;range|overflow|9223372036854775807",
			    "payment of 9223372036854775807 cents in the window"},
	[F_PAY_REAL] = {"payment-real", "payment;whole number|12.5|real",
			"payment amount stored as REAL 12.5 in the window"},
	[F_PAY_TEXT] = {"payment-text", "payment;whole number|abc|text",
			"payment amount stored as TEXT 'abc' in the window"},
	[F_DATE_9999] = {"date-year-9999", "end date;9999",
			 "order end_date 9999-12-31"},
	[F_DATE_INVALID] = {"date-invalid", "start date;2026-02-30",
			    "order start_date 2026-02-30"},
	[F_LANG] = {"language-unknown", "language",
		    "NCP lang 'xx'"},
	[F_ROLE] = {"role-unknown", "role;GP",
		    "CP role 'GP'"},
	[F_NO_PARTIES] = {"no-parties", "0 custodial|no part",
			  "case without parties"},
	[F_TWO_CPS] = {"two-cps", "2 custodial|two custodial|two CP",
		       "both parties have role CP"},
	[F_PAY_DUP] = {"duplicate-payments", "-",
		       "the same payment (12500 cents, direct) recorded twice in the window; accepted"},
	[F_PAY_SOURCE] = {"payment-source-unknown", "payment;cash",
			  "payment source 'cash' in the window"},
	[F_DISB_METHOD] = {"disbursement-method-unknown", "disbursement;wire",
			   "disbursement method 'wire' in the window"},
	[F_STATUS] = {"status-unknown", "status;suspended",
		      "case status 'suspended'"},
	[F_HIST_NEG] = {"historic-payment-negative", "payment;not positive|negative|-5000",
			"payment of -5000 cents six months before A (only summed)"},
	[F_HIST_REAL] = {"historic-payment-real", "payment;whole number|12.5|real",
			 "payment amount REAL 12.5 six months before A (only summed)"},
	[F_HIST_TEXT] = {"historic-payment-text", "payment;whole number|abc|text",
			 "payment amount TEXT 'abc' six months before A (only summed)"},
	[F_HIST_DATE] = {"historic-payment-invalid-date", "%Y-02-30",
			 "payment received_on YYYY-02-30 (the year before A; only summed)"},
	[F_HIST_SUM] = {"historic-payments-overflow-sum", "overflow|range",
			"two payments of 5e18 cents six months before A: the sum overflows 64 bits"},
	[F_ADDR_FOREIGN] = {"address-foreign-without-country", "state;ON;country",
			    "NCP in Toronto, ON with country US: a foreign address without its country line"},
	[F_ADDR_ABROAD] = {"address-abroad", "-",
			   "NCP in Toronto, ON, Canada: served, in a foreign print batch without an IMb"},
	[F_ADDR_NO_ZIP] = {"address-no-zip", "zip",
			   "CP address without a ZIP code"},
	[F_DELIVERY_POINT] = {"delivery-point-bad", "delivery point;X7",
			      "CP delivery point 'X7'"},
};

static FILE *faults_tsv;        /* FILE.faults.tsv, while --bad writes it */

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(G.db, sql, -1, &s, NULL) != SQLITE_OK)
		die_sql("preparing a fault");
	return s;
}

static void run_once(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		die_sql("injecting a fault");
}

/* Changes one text column of one party to the given bytes. */
static void set_party(const char *column, int64_t party, const char *v, int len)
{
	char sql[96];
	sqlite3_stmt *s;

	snprintf(sql, sizeof(sql), "UPDATE parties SET %s = ?1 WHERE party_id = ?2", column);
	s = prep(sql);
	sqlite3_bind_text(s, 1, v, len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, party);
	run_once(s);
}

/*
 * A payment on day; the amount is bound as given by type: SQLITE_INTEGER
 * (cents), SQLITE_FLOAT (real) or SQLITE_TEXT (text).
 */
static void add_payment(int64_t key, const char *day, const char *month, int type,
			int64_t cents, double real, const char *text, const char *source)
{
	sqlite3_stmt *s = prep("INSERT INTO payments (case_key, received_on, credit_month,"
			       " amount_cents, source) VALUES (?1, ?2, ?3, ?4, ?5)");

	sqlite3_bind_int64(s, 1, key);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, month, -1, SQLITE_TRANSIENT);
	if (type == SQLITE_FLOAT)
		sqlite3_bind_double(s, 4, real);
	else if (type == SQLITE_TEXT)
		sqlite3_bind_text(s, 4, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_int64(s, 4, cents);
	sqlite3_bind_text(s, 5, source, -1, SQLITE_TRANSIENT);
	run_once(s);
}

static void exec_key(const char *sql, int64_t key)
{
	sqlite3_stmt *s = prep(sql);

	sqlite3_bind_int64(s, 1, key);
	run_once(s);
}

/* Writes case number index as an ordinary case, then breaks it with fault f. */
static void write_fault_case(struct gen *g, int64_t index, enum fault_id f)
{
	int64_t key = index + 1, cp = 2 * key - 1, ncp = 2 * key;
	char win[16], win_m[16], old[32], old_m[32], expect[128];
	int y, m, d;
	sqlite3_stmt *s;

	g->force_normal = 1;
	write_case(g, index);
	g->force_normal = 0;
	fmt_date(win, month_first(g->am - 1) + 9);
	fmt_month(win_m, g->am - 1);
	fmt_date(old, month_first(g->am - 6) + 9);
	fmt_month(old_m, g->am - 6);

	switch (f) {
	case F_NAME_UTF8:
		set_party("name", cp, "Jos\xe9 Garc\xed" "a", -1);
		break;
	case F_NAME_NUL:
		set_party("name", ncp, "Ana\0Smith", 9);
		break;
	case F_ADDR_CTRL:
		set_party("addr1", cp, "12 Main Street\a\x1b[2J Apt 3", -1);
		break;
	case F_ADDR_FOREIGN:
	case F_ADDR_ABROAD:
		set_party("city", ncp, "Toronto", -1);
		set_party("state", ncp, "ON", -1);
		set_party("zip", ncp, f == F_ADDR_ABROAD ? "M5V 2T6" : "10001", -1);
		if (f == F_ADDR_ABROAD)
			set_party("country", ncp, "Canada", -1);
		break;
	case F_ADDR_NO_ZIP:
		set_party("zip", cp, "", -1);
		break;
	case F_DELIVERY_POINT:
		set_party("delivery_point", cp, "X7", -1);
		break;
	case F_NAME_LONG: {
		static const char part[] = "Maximiliano ";
		char *name = malloc(10001);

		if (!name)
			die_oom();
		for (int i = 0; i < 10000; i++)
			name[i] = part[i % (sizeof(part) - 1)];
		name[9999] = 'z';
		name[10000] = '\0';
		set_party("name", ncp, name, 10000);
		free(name);
		break;
	}
	case F_PAY_NEG:
		add_payment(key, win, win_m, SQLITE_INTEGER, -5000, 0, NULL, "direct");
		break;
	case F_PAY_OVERFLOW:
		add_payment(key, win, win_m, SQLITE_INTEGER, INT64_MAX, 0, NULL, "direct");
		break;
	case F_PAY_REAL:
		add_payment(key, win, win_m, SQLITE_FLOAT, 0, 12.5, NULL, "direct");
		break;
	case F_PAY_TEXT:
		add_payment(key, win, win_m, SQLITE_TEXT, 0, 0, "abc", "direct");
		break;
	case F_DATE_9999:
		exec_key("UPDATE orders SET end_date = '9999-12-31' WHERE order_id ="
			 " (SELECT max(order_id) FROM orders WHERE case_key = ?1)", key);
		break;
	case F_DATE_INVALID:
		exec_key("UPDATE orders SET start_date = '2026-02-30' WHERE order_id ="
			 " (SELECT max(order_id) FROM orders WHERE case_key = ?1)", key);
		break;
	case F_LANG:
		set_party("lang", ncp, "xx", -1);
		break;
	case F_ROLE:
		set_party("role", cp, "GP", -1);
		break;
	case F_NO_PARTIES:
		exec_key("DELETE FROM parties WHERE case_key = ?1", key);
		break;
	case F_TWO_CPS:
		set_party("role", ncp, "CP", -1);
		break;
	case F_PAY_DUP:
		add_payment(key, win, win_m, SQLITE_INTEGER, 12500, 0, NULL, "direct");
		add_payment(key, win, win_m, SQLITE_INTEGER, 12500, 0, NULL, "direct");
		break;
	case F_PAY_SOURCE:
		add_payment(key, win, win_m, SQLITE_INTEGER, 12500, 0, NULL, "cash");
		break;
	case F_DISB_METHOD:
		s = prep("INSERT INTO disbursements (case_key, party_id, disbursed_on, amount_cents,"
			 " method) VALUES (?1, ?2, ?3, 12500, 'wire')");
		sqlite3_bind_int64(s, 1, key);
		sqlite3_bind_int64(s, 2, cp);
		sqlite3_bind_text(s, 3, win, -1, SQLITE_TRANSIENT);
		run_once(s);
		break;
	case F_STATUS:
		exec_key("UPDATE cases SET status = 'suspended' WHERE case_key = ?1", key);
		break;
	case F_HIST_NEG:
		add_payment(key, old, old_m, SQLITE_INTEGER, -5000, 0, NULL, "direct");
		break;
	case F_HIST_REAL:
		add_payment(key, old, old_m, SQLITE_FLOAT, 0, 12.5, NULL, "direct");
		break;
	case F_HIST_TEXT:
		add_payment(key, old, old_m, SQLITE_TEXT, 0, 0, "abc", "direct");
		break;
	case F_HIST_DATE:
		civil_from_days(g->asof, &y, &m, &d);
		snprintf(old, sizeof(old), "%04d-02-30", y - 1);
		snprintf(old_m, sizeof(old_m), "%04d-02", y - 1);
		add_payment(key, old, old_m, SQLITE_INTEGER, 12500, 0, NULL, "direct");
		break;
	case F_HIST_SUM:
		add_payment(key, old, old_m, SQLITE_INTEGER, INT64_C(5000000000000000000), 0, NULL, "direct");
		add_payment(key, old, old_m, SQLITE_INTEGER, INT64_C(5000000000000000000), 0, NULL, "direct");
		break;
	case F_COUNT:
		break;
	}

	/* the list: case_key, case_id, county, fault, expected reason, what was done */
	s = prep("SELECT case_id, county FROM cases WHERE case_key = ?1");
	sqlite3_bind_int64(s, 1, key);
	if (sqlite3_step(s) != SQLITE_ROW)
		die_sql("reading a fault case back");
	civil_from_days(g->asof, &y, &m, &d);
	{
		const char *e = faults[f].expect, *at = strstr(e, "%Y");

		if (at)
			snprintf(expect, sizeof(expect), "%.*s%04d%s", (int)(at - e), e, y - 1, at + 2);
		else
			snprintf(expect, sizeof(expect), "%s", e);
	}
	fprintf(faults_tsv, "%" PRId64 "\t%s\t%s\t%s\t%s\t%s\n", key,
		(const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
		faults[f].name, expect, faults[f].what);
	sqlite3_finalize(s);
}

/* ------------------------------------------------------------------ */
/* Command line                                                         */
/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "usage: genledger --out FILE --cases N [--seed S]"
		   " [--as-of YYYY-MM-DD] [--bad]\n"
		   "  writes a new sample ledger FILE (which must not exist) with N"
		   " cases (1-%d);\n"
		   "  seed defaults to 1, the as-of date to %s\n"
		   "  --bad adds %d cases with injected faults after the N good"
		   " ones and lists\n"
		   "  them in FILE.faults.tsv (which must not exist either)\n",
		MAX_CASES, DEFAULT_ASOF, F_COUNT);
}

static _Noreturn void die_usage(const char *what, const char *arg)
{
	fprintf(stderr, "genledger: %s%s%s\n", what, arg ? ": " : "",
		arg ? arg : "");
	usage(stderr);
	exit(EXIT_USAGE);
}

/* A whole decimal number, digits only (no sign, no spaces), up to max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* YYYY-MM-DD, a real calendar date in 1970-9999, as a day number. */
static int parse_date(const char *s, int *day)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 ||
	    d > month_len(y * 12 + m - 1))
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

/*
 * Matches "--name VALUE" and "--name=VALUE" at argv[*i]; returns the value
 * (advancing *i past it) or NULL when argv[*i] is another option.
 */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		die_usage("option needs a value", name);
	return argv[++*i];
}

struct args {
	const char *out;
	uint64_t cases;
	uint64_t seed;
	int asof;
	int bad;
};

static void parse_args(int argc, char **argv, struct args *a)
{
	const char *asof = DEFAULT_ASOF, *cases = NULL, *seed = "1", *v;

	a->out = NULL;
	a->bad = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(argv[i], "--bad")) {
			a->bad = 1;
		} else if ((v = opt_value(argc, argv, &i, "--out"))) {
			a->out = v;
		} else if ((v = opt_value(argc, argv, &i, "--cases"))) {
			cases = v;
		} else if ((v = opt_value(argc, argv, &i, "--seed"))) {
			seed = v;
		} else if ((v = opt_value(argc, argv, &i, "--as-of"))) {
			asof = v;
		} else {
			die_usage("unknown argument", argv[i]);
		}
	}
	if (!a->out || !*a->out)
		die_usage("--out FILE is required", NULL);
	if (!cases)
		die_usage("--cases N is required", NULL);
	if (parse_uint(cases, MAX_CASES, &a->cases) || a->cases < 1)
		die_usage("--cases wants a whole number from 1 to 10000000",
			  cases);
	if (parse_uint(seed, UINT64_MAX, &a->seed))
		die_usage("--seed wants a whole number from 0 to 2^64-1", seed);
	if (parse_date(asof, &a->asof))
		die_usage("--as-of wants a date YYYY-MM-DD (1970 or later)",
			  asof);
}

/*
 * Creates FILE, refusing one that exists: fopen's "x" mode (C11) is an
 * exclusive create, so even a race cannot make us write into a real ledger.
 */
static void create_file(const char *path)
{
	FILE *f = fopen(path, "wx");

	if (!f) {
		int e = errno;

		if (e == EEXIST || (f = fopen(path, "rb")) != NULL) {
			if (f)
				fclose(f);
			fprintf(stderr, "genledger: %s already exists; delete it"
					" first (genledger never overwrites a"
					" ledger)\n", path);
			exit(EXIT_USAGE);
		}
		fprintf(stderr, "genledger: cannot create %s: %s\n", path,
			strerror(e));
		exit(1);
	}
	G.path = path;
	if (fclose(f) != 0) {
		fprintf(stderr, "genledger: cannot create %s: %s\n", path,
			strerror(errno));
		discard_output();
		exit(1);
	}
}

/* --bad: FILE.faults.tsv, created as exclusively as FILE. */
static void create_faults_file(const char *out)
{
	size_t n = strlen(out) + sizeof(".faults.tsv");
	char *path = malloc(n);

	if (!path)
		die_oom();
	snprintf(path, n, "%s.faults.tsv", out);
	faults_tsv = fopen(path, "wx");
	if (!faults_tsv) {
		int e = errno;

		fprintf(stderr, "genledger: %s: %s%s\n", path, strerror(e),
			e == EEXIST ? "; delete it first" : "");
		free(path);
		discard_output();
		exit(e == EEXIST ? EXIT_USAGE : 1);
	}
	G.faults_path = path;
	fputs("case_key\tcase_id\tcounty\tfault\texpect\twhat\n", faults_tsv);
}

int main(int argc, char **argv)
{
	struct args a;
	struct gen g;
	int y, m, d;

	parse_args(argc, argv, &a);
	create_file(a.out);
	if (a.bad)
		create_faults_file(a.out);

	memset(&g, 0, sizeof(g));
	g.seed = a.seed;
	g.asof = a.asof;
	civil_from_days(a.asof, &y, &m, &d);
	g.am = y * 12 + m - 1;
	g.next_order_id = 1;
	{
		uint64_t x = a.seed ^ UINT64_C(0x636173652D6964);

		g.id_key = splitmix64(&x);
	}

	if (sqlite3_open_v2(a.out, &G.db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		die_sql("opening the new ledger");
	/* speed while generating; nothing to protect in a file we delete on failure */
	exec_sql("PRAGMA page_size = 4096; PRAGMA journal_mode = OFF;"
		 " PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;",
		 "setting up the new ledger");
	exec_sql("BEGIN", "starting the transaction");
	exec_sql(ng_schema_sql, "creating the schema");
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v2(G.db, stmt_sql[i], -1, &G.st[i], NULL) !=
		    SQLITE_OK) {
			char what[64];

			snprintf(what, sizeof(what), "preparing the %s insert",
				 stmt_table[i]);
			die_sql(what);
		}
	}

	for (uint64_t i = 0; i < a.cases; i++)
		write_case(&g, (int64_t)i);
	if (a.bad) {
		sqlite3_stmt *s;

		for (int f = 0; f < F_COUNT; f++)
			write_fault_case(&g, (int64_t)a.cases + f, (enum fault_id)f);
		/* the faults add and remove rows: count what is there */
		s = prep("SELECT (SELECT count(*) FROM parties), (SELECT count(*) FROM payments)");
		if (sqlite3_step(s) != SQLITE_ROW)
			die_sql("counting rows");
		g.n_parties = sqlite3_column_int64(s, 0);
		g.n_payments = sqlite3_column_int64(s, 1);
		sqlite3_finalize(s);
	}

	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(G.st[i]);
		G.st[i] = NULL;
	}
	exec_sql("COMMIT", "committing");
	/* leave a plain single-file database in rollback-journal mode */
	exec_sql("PRAGMA journal_mode = DELETE;", "setting journal_mode");
	if (sqlite3_close(G.db) != SQLITE_OK)
		die_sql("closing the ledger");
	G.db = NULL;
	free(g.pays);
	free(g.charges);

	if (a.bad) {
		if (fclose(faults_tsv) != 0) {
			faults_tsv = NULL;
			fprintf(stderr, "genledger: writing %s: %s\n",
				G.faults_path, strerror(errno));
			discard_output();
			exit(1);
		}
		printf("genledger: wrote %" PRIu64 " cases and %d cases with"
		       " injected faults (%" PRId64 " parties, %" PRId64
		       " payments) to %s; the faults are listed in %s\n",
		       a.cases, F_COUNT, g.n_parties, g.n_payments, a.out,
		       G.faults_path);
		free(G.faults_path);
		return 0;
	}
	printf("genledger: wrote %" PRIu64 " cases (%" PRId64 " parties, %"
	       PRId64 " payments) to %s\n", a.cases, g.n_parties,
	       g.n_payments, a.out);
	return 0;
}
