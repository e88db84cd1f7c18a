//! Shutdown through host-sim's loader, in a test binary of its own: shutting a plugin down is process-wide.
//! Needs the library built first (`cargo build --workspace`).

#[path = "../../tests/artifacts/mod.rs"]
mod artifacts;

use connector_abi::ConnectorStatus;
use host_sim::plugin::{Plugin, Session, SessionError};

#[test]
fn after_shutdown_every_handle_of_the_library_is_refused_a_session() {
    let first = Plugin::load(crate::artifacts::plugin()).expect("the built plugin loads");
    let second =
        Plugin::load(crate::artifacts::plugin()).expect("a second handle shares the library");
    {
        let (mut session, _) = Session::new(&second, None, |_| {}).unwrap();
        assert!(session.describe().unwrap().0.is_ok());
    }
    // Dropping one handle leaves the plugin running for the other.
    drop(second);
    let (mut session, _) =
        Session::new(&first, None, |_| {}).expect("the first handle still works");
    assert!(session.describe().unwrap().0.is_ok());
    drop(session);

    assert!(first.shutdown().is_ok());
    assert!(
        first.shutdown().is_ok(),
        "a second shutdown returns the first's status"
    );
    match Session::new(&first, None, |_| {}) {
        Err(SessionError::Refused { status, document }) => {
            assert_eq!(status.get(), ConnectorStatus::ShutDown);
            assert_eq!(document["status"], "SHUT_DOWN");
        }
        Ok(_) => panic!("a session opened after shutdown"),
        Err(other) => panic!("unexpected error: {other}"),
    }
}
