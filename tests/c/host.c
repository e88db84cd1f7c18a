/*
 * A C host of the connector plugin ABI: loads the built library by path with dlopen, as a console would,
 * and exercises the contract from C: the version query, the function table, a session with an event
 * callback, describe, configure (valid, invalid, migrated), a contained panic, NULL arguments, malformed
 * input, cancel, a network operation, and shutdown. Built with -Wall -Wextra -Wpedantic -Werror under
 * AddressSanitizer and UBSan by tests/hosts.rs.
 *
 * Usage: host <path to libm365_connector.so> <directory of settings fixtures>
 * Prints one "PASS"/"FAIL" line per check and a summary; exits non-zero when any check failed.
 */
#define _GNU_SOURCE /* RTLD_NODELETE */

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "m365_connector.h"

/* The two exports, as a host that dlopens the plugin calls them (the header declares them for linking). */
typedef uint32_t (*AbiVersionQuery)(void);
typedef const ConnectorApi *(*EntryQuery)(void);

static int checks_run = 0;
static int checks_failed = 0;

static void check(int ok, const char *what, const char *detail) {
    checks_run++;
    if (ok) {
        printf("PASS  %s\n", what);
    } else {
        checks_failed++;
        printf("FAIL  %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    }
}

/* Whether the JSON text has the member "key" whose value starts with the literal `value` (for example
 * "true", "\"OK\""), whitespace allowed around the colon. Enough for the markers this host looks for. */
static int has_member(const char *json, const char *key, const char *value) {
    char quoted[128];
    if (json == NULL || snprintf(quoted, sizeof quoted, "\"%s\"", key) >= (int)sizeof quoted) {
        return 0;
    }
    for (const char *at = strstr(json, quoted); at != NULL; at = strstr(at + 1, quoted)) {
        const char *p = at + strlen(quoted);
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
        if (*p != ':') continue;
        p++;
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
        if (strncmp(p, value, strlen(value)) == 0) return 1;
    }
    return 0;
}

static int contains(const char *json, const char *text) {
    return json != NULL && strstr(json, text) != NULL;
}

static char *read_file(const char *dir, const char *name) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return NULL;
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    size_t capacity = 4096, length = 0;
    char *text = malloc(capacity);
    size_t n;
    while (text != NULL && (n = fread(text + length, 1, capacity - length - 1, file)) > 0) {
        length += n;
        if (capacity - length <= 1) {
            char *bigger = realloc(text, capacity * 2);
            if (bigger == NULL) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            capacity *= 2;
        }
    }
    fclose(file);
    if (text != NULL) text[length] = '\0';
    return text;
}

/* What the event callback records; user_data points to one of these. */
typedef struct {
    unsigned magic;
    int events;
    int bad_events;
} EventLog;

#define EVENT_LOG_MAGIC 0x5eed1e55u

static void on_event(void *user_data, const char *event_json) {
    EventLog *log = (EventLog *)user_data;
    if (log == NULL || log->magic != EVENT_LOG_MAGIC || event_json == NULL || !has_member(event_json, "type", "\"")) {
        if (log != NULL && log->magic == EVENT_LOG_MAGIC) log->bad_events++;
        return;
    }
    log->events++;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s <plugin library> <settings fixtures directory>\n", argv[0]);
        return 2;
    }
    /* Line-buffered, so every check line is out before a sanitizer report ends the process. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *library_path = argv[1];
    const char *fixtures = argv[2];
    char detail[512];

    /* Loading and version checks. RTLD_NODELETE keeps the plugin mapped after dlclose: a Rust library's
     * statics (its runtime, caches) would otherwise become unreachable heap that LeakSanitizer reports as
     * leaks of the host. With it, leak detection stays on and still catches every document or session this
     * host forgets to free. */
    void *library = dlopen(library_path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    check(library != NULL, "dlopen the plugin", library == NULL ? dlerror() : NULL);
    if (library == NULL) goto summary;

    AbiVersionQuery version_fn;
    EntryQuery entry_fn;
    /* POSIX guarantees that a data pointer from dlsym converts to a function pointer; ISO C does not, so copy
     * the bits instead of casting. */
    void *symbol = dlsym(library, CONNECTOR_ABI_VERSION_SYMBOL);
    check(symbol != NULL, "connector_abi_version is exported", NULL);
    if (symbol == NULL) goto unload;
    memcpy(&version_fn, &symbol, sizeof version_fn);
    uint32_t version = version_fn();
    snprintf(detail, sizeof detail, "plugin speaks %u.%u, host %u.x", (unsigned)(version >> 16),
             (unsigned)(version & 0xffffu), (unsigned)CONNECTOR_ABI_VERSION_MAJOR);
    check((version >> 16) == CONNECTOR_ABI_VERSION_MAJOR, "ABI major version matches the header", detail);
    if ((version >> 16) != CONNECTOR_ABI_VERSION_MAJOR) goto unload;

    symbol = dlsym(library, CONNECTOR_ENTRY_SYMBOL);
    check(symbol != NULL, "connector_entry is exported", NULL);
    if (symbol == NULL) goto unload;
    memcpy(&entry_fn, &symbol, sizeof entry_fn);
    const ConnectorApi *api = entry_fn();
    check(api != NULL, "connector_entry returns a table", NULL);
    if (api == NULL) goto unload;
    snprintf(detail, sizeof detail, "struct_size %u, header's sizeof %zu", (unsigned)api->struct_size,
             sizeof(ConnectorApi));
    check(api->struct_size >= sizeof(ConnectorApi), "table is at least as large as this header's", detail);
    if (api->struct_size < sizeof(ConnectorApi)) goto unload;
    check(api->abi_major == CONNECTOR_ABI_VERSION_MAJOR && api->abi_minor == (version & 0xffffu),
          "table version equals the version query", NULL);
    check(entry_fn() == api, "connector_entry returns the same static table twice", NULL);

    /* A session with an event callback, describe and configure. */
    EventLog log = {EVENT_LOG_MAGIC, 0, 0};
    ConnectorSession *session = NULL;
    char *doc = NULL;
    ConnectorStatus status = api->session_new("{\"host\": {\"name\": \"c-host\", \"version\": \"1\"}}", on_event,
                                              &log, &session, &doc);
    check(status == CONNECTOR_STATUS_OK && session != NULL, "session_new with options and a callback", doc);
    check(doc != NULL && has_member(doc, "operation", "\"session_new\""), "session_new writes a result document",
          doc);
    api->document_free(doc);
    doc = NULL;
    if (session == NULL) goto shutdown;

    status = api->describe(session, &doc);
    check(status == CONNECTOR_STATUS_OK, "describe returns OK", doc);
    check(has_member(doc, "operation", "\"describe\"") && has_member(doc, "ok", "true") &&
              has_member(doc, "status", "\"OK\""),
          "describe document says operation, ok and status", doc);
    check(contains(doc, "\"settings_version\"") && contains(doc, "\"fields\"") && contains(doc, "\"tenant_id\""),
          "describe document carries the settings schema", NULL);
    check(contains(doc, "Directory Writers") && contains(doc, "Exchange.ManageAsApp"),
          "describe document names the roles and permissions it requests", NULL);
    api->document_free(doc);
    doc = NULL;

    char *valid = read_file(fixtures, "auto-one-directory.json");
    char *invalid = read_file(fixtures, "several-directories-bad-tenant.json");
    char *v1 = read_file(fixtures, "manual-v1.json");
    check(valid != NULL && invalid != NULL && v1 != NULL, "settings fixtures are readable", fixtures);
    if (valid != NULL) {
        status = api->configure(session, valid, &doc);
        check(status == CONNECTOR_STATUS_OK, "configure accepts valid settings", doc);
        check(has_member(doc, "ok", "true") && contains(doc, "\"application_name\""),
              "configure returns the normalised settings", doc);
        api->document_free(doc);
        doc = NULL;
    }
    if (invalid != NULL) {
        status = api->configure(session, invalid, &doc);
        check(status == CONNECTOR_STATUS_INVALID_SETTINGS, "configure refuses invalid settings", doc);
        check(has_member(doc, "status", "\"INVALID_SETTINGS\"") && has_member(doc, "ok", "false") &&
                  has_member(doc, "field", "\"tenant_id\"") && has_member(doc, "field", "\"application_name\""),
              "the error lists the tenant_id and application_name fields", doc);
        api->document_free(doc);
        doc = NULL;
    }
    if (v1 != NULL) {
        status = api->configure(session, v1, &doc);
        check(status == CONNECTOR_STATUS_OK && has_member(doc, "settings_version", "3") &&
                  has_member(doc, "code", "\"settings_migrated\""),
              "configure migrates version 1 settings with a warning", doc);
        api->document_free(doc);
        doc = NULL;
    }
    if (valid != NULL) {
        /* Provision needs an administrator signed in on the session first; it says so before any request. */
        status = api->provision(session, valid, &doc);
        check(status == CONNECTOR_STATUS_SIGN_IN_REQUIRED && has_member(doc, "code", "\"sign_in_required\""),
              "provision without a sign-in answers SIGN_IN_REQUIRED with a document", doc);
        api->document_free(doc);
        doc = NULL;
    }
    free(valid);
    free(invalid);
    free(v1);

    status = api->cancel(session);
    check(status == CONNECTOR_STATUS_OK, "cancel with nothing running returns OK", NULL);
    status = api->cancel(NULL);
    check(status == CONNECTOR_STATUS_INVALID_ARGUMENT, "cancel(NULL) returns INVALID_ARGUMENT", NULL);

    /* Bad input is an error, never a crash. */
    status = api->configure(session, "{\"settings_version\": 3,", &doc);
    check(status == CONNECTOR_STATUS_INVALID_JSON && doc != NULL, "malformed JSON returns INVALID_JSON", doc);
    api->document_free(doc);
    doc = NULL;
    status = api->configure(session, "{\"application_name\": \"\xff\xfe\"}", &doc);
    check(status == CONNECTOR_STATUS_INVALID_ARGUMENT, "invalid UTF-8 returns INVALID_ARGUMENT", doc);
    api->document_free(doc);
    doc = NULL;
    status = api->configure(session, NULL, &doc);
    check(status == CONNECTOR_STATUS_INVALID_ARGUMENT && doc != NULL, "configure(NULL input) returns INVALID_ARGUMENT",
          doc);
    api->document_free(doc);
    doc = NULL;
    status = api->describe(NULL, &doc);
    check(status == CONNECTOR_STATUS_INVALID_ARGUMENT, "describe(NULL session) returns INVALID_ARGUMENT", doc);
    api->document_free(doc);
    doc = NULL;
    status = api->session_new(NULL, NULL, NULL, NULL, NULL);
    check(status == CONNECTOR_STATUS_INVALID_ARGUMENT, "session_new(NULL session_out) returns INVALID_ARGUMENT",
          NULL);
    status = api->describe(session, NULL);
    check(status == CONNECTOR_STATUS_OK, "describe with result_out NULL still works", NULL);
    api->document_free(NULL);
    api->session_free(NULL);
    check(1, "document_free(NULL) and session_free(NULL) are no-ops", NULL);
    check(log.bad_events == 0, "every event had user_data unchanged and a type", NULL);
    printf("      (%d events received)\n", log.events);
    api->session_free(session);
    session = NULL;

    /* A panic inside an export is contained; the host continues. */
    status = api->session_new("{\"diagnostics\": {\"panic_in\": \"describe\"}}", NULL, NULL, &session, &doc);
    check(status == CONNECTOR_STATUS_OK && session != NULL, "session_new with the panic diagnostics option", doc);
    api->document_free(doc);
    doc = NULL;
    if (session != NULL) {
        status = api->describe(session, &doc);
        check(status == CONNECTOR_STATUS_PANIC, "a panic inside describe returns CONNECTOR_STATUS_PANIC", doc);
        check(doc != NULL && has_member(doc, "status", "\"PANIC\"") && has_member(doc, "ok", "false"),
              "the panic comes with a result document", doc);
        api->document_free(doc);
        doc = NULL;
        api->session_free(session);
        session = NULL;
    }
    status = api->session_new(NULL, NULL, NULL, &session, NULL);
    check(status == CONNECTOR_STATUS_OK && session != NULL, "a new session after the panic", NULL);
    if (session != NULL) {
        status = api->describe(session, &doc);
        check(status == CONNECTOR_STATUS_OK && has_member(doc, "ok", "true"), "describe works after the panic", doc);
        api->document_free(doc);
        doc = NULL;
        api->session_free(session);
        session = NULL;
    }

shutdown:
    status = api->shutdown();
    check(status == CONNECTOR_STATUS_OK, "shutdown returns OK", NULL);
    status = api->session_new(NULL, NULL, NULL, &session, &doc);
    check(status == CONNECTOR_STATUS_SHUT_DOWN && session == NULL, "session_new after shutdown returns SHUT_DOWN",
          doc);
    api->document_free(doc);
    doc = NULL;

unload:
    check(dlclose(library) == 0, "dlclose the plugin", NULL);

summary:
    printf("%s: %d of %d checks passed\n", checks_failed == 0 ? "PASS" : "FAIL", checks_run - checks_failed,
           checks_run);
    return checks_failed == 0 ? 0 : 1;
}
