/*
 * A shared library that is not a connector plugin: it exports a function, but not the connector version
 * query. host-sim must refuse it as "not a connector plugin" (tests/hosts.rs checks the message).
 */
int not_a_connector_answer(void);

int not_a_connector_answer(void) {
    return 42;
}
