/*
 * A C host for memory checks: loads the built plugin with dlopen and drives it in one of four modes, so that
 * tests/memory.rs can run it under valgrind (memcheck) or measure it.
 *
 *   memcheck <plugin> cycles <fixtures dir> <N>     N rounds of session_new, describe, configure (valid,
 *                                                   invalid, migrated), provision without a sign-in, cancel,
 *                                                   every document freed, session_free; then shutdown
 *   memcheck <plugin> flow <settings file>           one network flow: authenticate (device code), provision,
 *                                                   consent, test, remove (confirmed); then shutdown
 *   memcheck <plugin> rss <fixtures dir> <N>         VmRSS after 1,000 warm-up calls and after N more calls
 *                                                   (describe and configure, alternately), in kB
 *   memcheck <plugin> unload <fixtures dir>          without RTLD_NODELETE: a session, shutdown, dlclose, and
 *                                                   the same again on the library loaded anew
 *
 * The first three modes load with RTLD_NODELETE, so that the plugin's statics (its runtime, once started)
 * stay reachable for the leak check: what is left unfreed is then what a call forgot to free.
 * Prints "PASS"/"FAIL" lines and exits non-zero when a check failed.
 */
#define _GNU_SOURCE /* RTLD_NODELETE */

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "m365_connector.h"

typedef uint32_t (*AbiVersionQuery)(void);
typedef const ConnectorApi *(*EntryQuery)(void);

static int failures = 0;

static void check(int ok, const char *what, const char *detail) {
    if (ok) {
        printf("PASS  %s\n", what);
    } else {
        failures++;
        printf("FAIL  %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    }
}

static int contains(const char *text, const char *part) { return text != NULL && strstr(text, part) != NULL; }

static char *read_path(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) return NULL;
    if (fseek(file, 0, SEEK_END) != 0) {
        fclose(file);
        return NULL;
    }
    long size = ftell(file);
    rewind(file);
    char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (text != NULL) {
        size_t got = fread(text, 1, (size_t)size, file);
        text[got] = '\0';
    }
    fclose(file);
    return text;
}

static char *read_fixture(const char *dir, const char *name) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return NULL;
    return read_path(path);
}

static unsigned long events_seen = 0;

static void on_event(void *user_data, const char *event_json) {
    (void)user_data;
    if (event_json != NULL) events_seen++;
}

static const ConnectorApi *open_plugin(const char *path, int flags, void **library) {
    *library = dlopen(path, flags);
    if (*library == NULL) {
        check(0, "dlopen the plugin", dlerror());
        return NULL;
    }
    AbiVersionQuery version;
    EntryQuery entry;
    void *symbol = dlsym(*library, CONNECTOR_ABI_VERSION_SYMBOL);
    if (symbol == NULL) {
        check(0, "connector_abi_version is exported", NULL);
        return NULL;
    }
    memcpy(&version, &symbol, sizeof version);
    if (version() >> 16 != CONNECTOR_ABI_VERSION_MAJOR) {
        check(0, "ABI major version matches the header", NULL);
        return NULL;
    }
    symbol = dlsym(*library, CONNECTOR_ENTRY_SYMBOL);
    if (symbol == NULL) {
        check(0, "connector_entry is exported", NULL);
        return NULL;
    }
    memcpy(&entry, &symbol, sizeof entry);
    const ConnectorApi *api = entry();
    if (api == NULL || api->struct_size < sizeof(ConnectorApi)) {
        check(0, "the function table is complete", NULL);
        return NULL;
    }
    return api;
}

typedef struct {
    char *valid;
    char *invalid;
    char *v1;
} Fixtures;

static int load_fixtures(const char *dir, Fixtures *fixtures) {
    fixtures->valid = read_fixture(dir, "auto-one-directory.json");
    fixtures->invalid = read_fixture(dir, "several-directories-bad-tenant.json");
    fixtures->v1 = read_fixture(dir, "manual-v1.json");
    int ok = fixtures->valid != NULL && fixtures->invalid != NULL && fixtures->v1 != NULL;
    check(ok, "settings fixtures are readable", dir);
    return ok;
}

static void free_fixtures(Fixtures *fixtures) {
    free(fixtures->valid);
    free(fixtures->invalid);
    free(fixtures->v1);
}

/* Calls one operation, frees its document, and says whether it returned `expected`. */
static int call(const ConnectorApi *api, ConnectorOperationFn operation, ConnectorSession *session,
                const char *input, ConnectorStatus expected) {
    char *document = NULL;
    ConnectorStatus status = operation(session, input, &document);
    int ok = status == expected && document != NULL;
    if (!ok) printf("      status %u, document %s\n", (unsigned)status, document ? document : "(none)");
    api->document_free(document);
    return ok;
}

/* One round of the calls a console makes while an admin fills in the wizard. */
static int one_cycle(const ConnectorApi *api, const Fixtures *fixtures) {
    ConnectorSession *session = NULL;
    char *document = NULL;
    ConnectorStatus status =
        api->session_new("{\"host\":{\"name\":\"memcheck\"},\"log_level\":\"debug\"}", on_event, NULL, &session,
                         &document);
    api->document_free(document);
    if (status != CONNECTOR_STATUS_OK || session == NULL) return 0;
    int ok = 1;
    document = NULL;
    ok &= api->describe(session, &document) == CONNECTOR_STATUS_OK;
    api->document_free(document);
    ok &= call(api, api->configure, session, fixtures->valid, CONNECTOR_STATUS_OK);
    ok &= call(api, api->configure, session, fixtures->invalid, CONNECTOR_STATUS_INVALID_SETTINGS);
    ok &= call(api, api->configure, session, fixtures->v1, CONNECTOR_STATUS_OK);
    ok &= call(api, api->configure, session, "{\"settings_version\": 3,", CONNECTOR_STATUS_INVALID_JSON);
    ok &= call(api, api->provision, session, fixtures->valid, CONNECTOR_STATUS_SIGN_IN_REQUIRED);
    ok &= api->cancel(session) == CONNECTOR_STATUS_OK;
    api->session_free(session);
    return ok;
}

static int cycles(const ConnectorApi *api, const char *fixtures_dir, long rounds) {
    Fixtures fixtures;
    if (!load_fixtures(fixtures_dir, &fixtures)) return 1;
    long passed = 0;
    for (long i = 0; i < rounds; i++) passed += one_cycle(api, &fixtures);
    char detail[128];
    snprintf(detail, sizeof detail, "%ld of %ld rounds as expected", passed, rounds);
    check(passed == rounds, "describe/configure/provision/free cycles", detail);
    printf("      (%ld rounds, %lu events)\n", rounds, events_seen);
    free_fixtures(&fixtures);
    return 0;
}

/* The value of the first "key":"value" member in a JSON text, copied into `out` (NUL-terminated). */
static int string_member(const char *json, const char *key, char *out, size_t size) {
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\":\"", key);
    const char *at = json ? strstr(json, quoted) : NULL;
    if (at == NULL) return 0;
    at += strlen(quoted);
    const char *end = strchr(at, '"');
    if (end == NULL || (size_t)(end - at) >= size) return 0;
    memcpy(out, at, (size_t)(end - at));
    out[end - at] = '\0';
    return 1;
}

static int flow(const ConnectorApi *api, const char *settings_path) {
    char *settings = read_path(settings_path);
    check(settings != NULL, "the flow's settings are readable", settings_path);
    if (settings == NULL) return 1;
    ConnectorSession *session = NULL;
    char *document = NULL;
    ConnectorStatus status = api->session_new(
        "{\"log_level\":\"debug\",\"network\":{\"request_timeout_ms\":60000,\"retry\":{\"base_delay_ms\":10},"
        "\"consistency_wait_ms\":60000},\"sign_in\":{\"open_browser\":false}}",
        on_event, NULL, &session, &document);
    api->document_free(document);
    document = NULL;
    check(status == CONNECTOR_STATUS_OK, "session_new", NULL);
    if (session == NULL) {
        free(settings);
        return 1;
    }
    status = api->authenticate(session, settings, &document);
    check(status == CONNECTOR_STATUS_OK, "authenticate (device code) against tenant-sim", document);
    api->document_free(document);
    document = NULL;

    status = api->provision(session, settings, &document);
    check(status == CONNECTOR_STATUS_OK && contains(document, "\"private_key_pem\""),
          "provision creates the application and hands over its certificate", status == CONNECTOR_STATUS_OK ? NULL : document);
    char app_id[64] = "";
    int found = string_member(document, "app_id", app_id, sizeof app_id);
    /* The handed-over certificate and key as the document writes them (JSON-escaped: copied as they are). */
    static char pem[16384];
    int have_pem = string_member(document, "pem", pem, sizeof pem);
    api->document_free(document);
    document = NULL;
    check(found && have_pem, "provision names the application and hands over its PEM", NULL);

    if (found && have_pem) {
        char *close = strrchr(settings, '}');
        size_t head = close ? (size_t)(close - settings) : 0;
        size_t size = head + strlen(app_id) * 2 + strlen(pem) + 128;
        char *input = malloc(size);
        if (input != NULL && close != NULL) {
            snprintf(input, size, "%.*s,\"application_id\":\"%s\"}", (int)head, settings, app_id);
            status = api->consent(session, input, &document);
            check(status == CONNECTOR_STATUS_OK, "consent grants the permissions", document);
            api->document_free(document);
            document = NULL;

            snprintf(input, size, "%.*s,\"application_id\":\"%s\",\"certificate_pem\":\"%s\"}", (int)head,
                     settings, app_id, pem);
            status = api->test(session, input, &document);
            check(status == CONNECTOR_STATUS_OK, "the connection test passes", document);
            api->document_free(document);
            document = NULL;

            snprintf(input, size, "%.*s,\"confirm_application_id\":\"%s\"}", (int)head, settings, app_id);
            status = api->remove(session, input, &document);
            check(status == CONNECTOR_STATUS_OK && contains(document, "\"already_gone\":false"),
                  "remove deletes the application", document);
            api->document_free(document);
            document = NULL;
        }
        free(input);
    }
    api->session_free(session);
    printf("      (%lu events)\n", events_seen);
    free(settings);
    return 0;
}

static long rss_kb(void) {
    FILE *status = fopen("/proc/self/status", "r");
    if (status == NULL) return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, status) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(status);
    return kb;
}

static int rss(const ConnectorApi *api, const char *fixtures_dir, long calls) {
    Fixtures fixtures;
    if (!load_fixtures(fixtures_dir, &fixtures)) return 1;
    ConnectorSession *session = NULL;
    api->session_new(NULL, on_event, NULL, &session, NULL);
    check(session != NULL, "session_new", NULL);
    if (session == NULL) return 1;
    long bad = 0;
    for (long i = 0; i < 1000 + calls; i++) {
        if (i == 1000) printf("rss-start-kb %ld\n", rss_kb());
        char *document = NULL;
        ConnectorStatus status = (i % 2 == 0) ? api->describe(session, &document)
                                              : api->configure(session, fixtures.valid, &document);
        if (status != CONNECTOR_STATUS_OK || document == NULL) bad++;
        api->document_free(document);
    }
    printf("rss-end-kb %ld\n", rss_kb());
    printf("rss-calls %ld\n", calls);
    check(bad == 0, "every describe and configure returned OK", NULL);
    api->session_free(session);
    free_fixtures(&fixtures);
    return 0;
}

/* Loads the plugin without RTLD_NODELETE, uses it, shuts it down and unloads it; twice. */
static int unload(const char *path, const char *fixtures_dir) {
    Fixtures fixtures;
    if (!load_fixtures(fixtures_dir, &fixtures)) return 1;
    for (int round = 1; round <= 2; round++) {
        void *library = NULL;
        const ConnectorApi *api = open_plugin(path, RTLD_NOW | RTLD_LOCAL, &library);
        if (api == NULL) break;
        check(one_cycle(api, &fixtures), round == 1 ? "a session before unloading" : "a session after reloading",
              NULL);
        check(api->shutdown() == CONNECTOR_STATUS_OK, "shutdown returns OK", NULL);
        check(dlclose(library) == 0, "dlclose after shutdown", dlerror());
    }
    free_fixtures(&fixtures);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 4) {
        fprintf(stderr, "usage: %s <plugin> cycles|flow|rss|unload <fixtures dir or settings file> [N]\n",
                argv[0]);
        return 2;
    }
    const char *path = argv[1];
    const char *mode = argv[2];
    long count = argc > 4 ? strtol(argv[4], NULL, 10) : 0;
    if (strcmp(mode, "unload") == 0) {
        unload(path, argv[3]);
    } else {
        void *library = NULL;
        const ConnectorApi *api = open_plugin(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE, &library);
        if (api != NULL) {
            if (strcmp(mode, "cycles") == 0) {
                cycles(api, argv[3], count);
            } else if (strcmp(mode, "flow") == 0) {
                flow(api, argv[3]);
            } else if (strcmp(mode, "rss") == 0) {
                rss(api, argv[3], count);
            } else {
                fprintf(stderr, "unknown mode %s\n", mode);
                return 2;
            }
            check(api->shutdown() == CONNECTOR_STATUS_OK, "shutdown returns OK", NULL);
        }
        if (library != NULL) check(dlclose(library) == 0, "dlclose", NULL);
    }
    printf("%s: %d failed\n", failures == 0 ? "PASS" : "FAIL", failures);
    return failures == 0 ? 0 : 1;
}
