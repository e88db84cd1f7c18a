/*
 * A second, minimal connector plugin with fields and steps of its own (a directory server's URL, a data
 * region, an API token, a page size; steps "Directory server", "API credentials", "Check the server",
 * "Save"). host-sim must render its wizard from its describe document alone, with no code that knows it
 * (host-sim/tests/second_plugin.rs). It speaks ABI 1.0 through the header's function table; configure
 * echoes the settings it is given (refusing them without a server URL), test reports one passing check,
 * and the operations it has no step for answer NOT_AVAILABLE.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "m365_connector.h"

struct ConnectorSession {
    ConnectorEventFn event_cb;
    void *user_data;
};

static const char DESCRIPTION[] =
    "{\"operation\":\"describe\",\"status\":\"OK\",\"ok\":true,\"done\":[],\"warnings\":[],\"data\":{"
    "\"name\":\"acme-directory\",\"display_name\":\"Acme Directory Connector\",\"version\":\"2.1.0\","
    "\"abi_version\":{\"major\":1,\"minor\":0},"
    "\"settings_schema\":{\"settings_version\":1,\"groups\":["
    "{\"name\":\"server\",\"label\":\"Directory server\"},{\"name\":\"credentials\",\"label\":\"API credentials\"}],"
    "\"fields\":["
    "{\"name\":\"server_url\",\"label\":\"Directory server URL\",\"type\":\"url\",\"required\":true,"
    "\"group\":\"server\",\"help\":\"The HTTPS address of your Acme directory server.\","
    "\"validation\":{\"scheme\":\"https\",\"max_length\":200}},"
    "{\"name\":\"region\",\"label\":\"Data region\",\"type\":\"choice\",\"required\":true,\"default\":\"eu\","
    "\"group\":\"server\",\"choices\":[{\"value\":\"eu\",\"label\":\"Europe\"},{\"value\":\"us\",\"label\":\"United States\"}]},"
    "{\"name\":\"api_token\",\"label\":\"API token\",\"type\":\"text\",\"required\":true,\"secret\":true,"
    "\"group\":\"credentials\",\"validation\":{\"min_length\":8}},"
    "{\"name\":\"page_size\",\"label\":\"Page size\",\"type\":\"integer\",\"default\":100,\"required\":true,"
    "\"group\":\"credentials\",\"validation\":{\"min\":1,\"max\":1000}}]},"
    "\"steps\":["
    "{\"name\":\"server\",\"label\":\"Directory server\",\"operation\":\"configure\",\"fields\":[\"server_url\",\"region\"]},"
    "{\"name\":\"credentials\",\"label\":\"API credentials\",\"operation\":\"configure\",\"fields\":[\"api_token\",\"page_size\"]},"
    "{\"name\":\"check\",\"label\":\"Check the server\",\"operation\":\"test\",\"fields\":[]},"
    "{\"name\":\"finish\",\"label\":\"Save\",\"operation\":null,\"fields\":[]}],"
    "\"requests\":{}}}";

static char *copy(const char *text) {
    size_t length = strlen(text) + 1;
    char *out = malloc(length);
    if (out != NULL) {
        memcpy(out, text, length);
    }
    return out;
}

/* A result document: the pieces concatenated (the settings are the input as it came, a JSON object). */
static char *document(const char *head, const char *middle, const char *tail) {
    size_t length = strlen(head) + strlen(middle) + strlen(tail) + 1;
    char *out = malloc(length);
    if (out != NULL) {
        strcpy(out, head);
        strcat(out, middle);
        strcat(out, tail);
    }
    return out;
}

static void emit(ConnectorSession *session, const char *event) {
    if (session->event_cb != NULL) {
        session->event_cb(session->user_data, event);
    }
}

static ConnectorStatus session_new(const char *options_json, ConnectorEventFn event_cb, void *user_data,
                                   ConnectorSession **session_out, char **result_out) {
    (void)options_json;
    ConnectorSession *session = malloc(sizeof(ConnectorSession));
    if (session == NULL) {
        return CONNECTOR_STATUS_INTERNAL;
    }
    session->event_cb = event_cb;
    session->user_data = user_data;
    *session_out = session;
    if (result_out != NULL) {
        *result_out = copy("{\"operation\":\"session_new\",\"status\":\"OK\",\"ok\":true,\"data\":{},"
                           "\"done\":[],\"warnings\":[]}");
    }
    return CONNECTOR_STATUS_OK;
}

static void session_free(ConnectorSession *session) {
    free(session);
}

static ConnectorStatus describe(ConnectorSession *session, char **result_out) {
    (void)session;
    if (result_out != NULL) {
        *result_out = copy(DESCRIPTION);
    }
    return CONNECTOR_STATUS_OK;
}

static ConnectorStatus configure(ConnectorSession *session, const char *input_json, char **result_out) {
    (void)session;
    if (input_json == NULL) {
        return CONNECTOR_STATUS_INVALID_ARGUMENT;
    }
    if (strstr(input_json, "\"server_url\"") == NULL) {
        if (result_out != NULL) {
            *result_out = copy(
                "{\"operation\":\"configure\",\"status\":\"INVALID_SETTINGS\",\"ok\":false,\"data\":null,"
                "\"error\":{\"code\":\"invalid_settings\",\"message\":\"1 setting needs attention.\","
                "\"step\":\"configure\",\"fields\":[{\"field\":\"server_url\",\"code\":\"required\","
                "\"message\":\"Enter the directory server URL.\"}]},\"done\":[],\"warnings\":[]}");
        }
        return CONNECTOR_STATUS_INVALID_SETTINGS;
    }
    if (result_out != NULL) {
        *result_out = document("{\"operation\":\"configure\",\"status\":\"OK\",\"ok\":true,\"data\":{\"settings\":",
                               input_json, ",\"omitted_secrets\":[]},\"done\":[],\"warnings\":[]}");
    }
    return CONNECTOR_STATUS_OK;
}

static ConnectorStatus test(ConnectorSession *session, const char *input_json, char **result_out) {
    if (input_json == NULL) {
        return CONNECTOR_STATUS_INVALID_ARGUMENT;
    }
    emit(session, "{\"type\":\"step\",\"operation\":\"test\",\"step\":\"check\",\"phase\":\"started\","
                  "\"message\":\"Asking the directory server for its version\",\"time\":\"2026-01-01T00:00:00Z\"}");
    int has_token = strstr(input_json, "\"api_token\"") != NULL;
    if (result_out != NULL) {
        *result_out = copy(has_token
            ? "{\"operation\":\"test\",\"status\":\"OK\",\"ok\":true,\"data\":{\"checks\":["
              "{\"name\":\"server_answers\",\"label\":\"The directory server answers\",\"status\":\"pass\","
              "\"message\":\"Acme Directory 9.4 answered.\"}]},\"done\":[],\"warnings\":[]}"
            : "{\"operation\":\"test\",\"status\":\"TEST_FAILED\",\"ok\":false,\"data\":{\"checks\":["
              "{\"name\":\"server_answers\",\"label\":\"The directory server answers\",\"status\":\"fail\","
              "\"message\":\"No API token.\",\"hint\":\"Enter the API token.\"}]},"
              "\"error\":{\"code\":\"test_failed\",\"message\":\"1 check failed.\"},\"done\":[],\"warnings\":[]}");
    }
    return has_token ? CONNECTOR_STATUS_OK : CONNECTOR_STATUS_TEST_FAILED;
}

static ConnectorStatus not_available(ConnectorSession *session, const char *input_json, char **result_out) {
    (void)session;
    (void)input_json;
    if (result_out != NULL) {
        *result_out = copy("{\"operation\":\"unknown\",\"status\":\"NOT_AVAILABLE\",\"ok\":false,\"data\":null,"
                           "\"error\":{\"code\":\"not_available\",\"message\":\"Acme has no such step.\"},"
                           "\"done\":[],\"warnings\":[]}");
    }
    return CONNECTOR_STATUS_NOT_AVAILABLE;
}

static ConnectorStatus cancel(ConnectorSession *session) {
    (void)session;
    return CONNECTOR_STATUS_OK;
}

static ConnectorStatus shutdown_plugin(void) {
    return CONNECTOR_STATUS_OK;
}

static void document_free(char *document) {
    free(document);
}

static const ConnectorApi TABLE = {
    sizeof(ConnectorApi), CONNECTOR_ABI_VERSION_MAJOR, CONNECTOR_ABI_VERSION_MINOR,
    session_new, session_free, describe, configure, not_available, not_available, not_available, test,
    not_available, cancel, shutdown_plugin, document_free,
};

uint32_t connector_abi_version(void) {
    return CONNECTOR_ABI_VERSION;
}

const ConnectorApi *connector_entry(void) {
    return &TABLE;
}
