//! The store on disk: one directory, open to its owner alone (mode 0700), holding one SQLite database file
//! (mode 0600). SQLite gives the database's `-wal`, `-shm` and `-journal` files the database file's own mode,
//! so they are 0600 too.
//!
//! Both are created with their final mode (`mkdir(2)` and `open(2)` with `O_EXCL` take the mode, and the umask
//! can only narrow it), then set to exactly that mode in case the umask also took bits from the owner: there
//! is never a moment when either is open to anyone else. A new database is built under a temporary name and
//! then given its name only if that name is still free (`renameat2` with `RENAME_NOREPLACE`, or a hard link),
//! so a store file is never seen half made. An existing directory or file that other users can read or
//! write, or that belongs to another user, is refused and left as it is.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use crate::store::error::StoreError;

/// The database file's name inside the store directory.
pub const DATABASE_FILE: &str = "store.sqlite";

/// The files SQLite keeps beside the database (write-ahead log, its shared-memory index, rollback journal).
const SIDE_FILE_SUFFIXES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// The store directory host-sim uses when the caller chooses none: `host-sim` in the user's local data
/// directory (`$XDG_DATA_HOME/host-sim` or `~/.local/share/host-sim` on Linux,
/// `~/Library/Application Support/host-sim` on macOS, `%LOCALAPPDATA%\host-sim` on Windows).
pub fn default_dir() -> Result<PathBuf, StoreError> {
    dirs::data_local_dir()
        .map(|data| data.join("host-sim"))
        .ok_or(StoreError::NoDataDirectory)
}

/// Makes sure `dir` exists and is its owner's alone. Returns the database file's path, and whether that
/// file exists.
pub fn prepare(dir: &Path) -> Result<(PathBuf, bool), StoreError> {
    prepare_dir(dir)?;
    let database = dir.join(DATABASE_FILE);
    match fs::metadata(&database) {
        Ok(_) => Ok((database, true)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok((database, false)),
        Err(source) => Err(io_error("read the attributes of", &database, source)),
    }
}

/// Refuses the database file, or one of SQLite's files beside it, when it is not its owner's alone.
pub fn check_database(database: &Path) -> Result<(), StoreError> {
    check_file(database)?;
    for suffix in SIDE_FILE_SUFFIXES {
        let mut side = database.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        match fs::metadata(&side) {
            Ok(_) => check_file(&side)?,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(io_error("read the attributes of", &side, source)),
        }
    }
    Ok(())
}

/// A new empty file in `dir`, mode 0600, under a temporary name; it is deleted when dropped unless
/// [`publish`]ed.
pub fn new_private_file(dir: &Path) -> Result<TempPath, StoreError> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".store.sqlite.").suffix(".new");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o600));
    }
    let file = builder
        .tempfile_in(dir)
        .map_err(|source| io_error("create a new database file in", dir, source))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(|source| io_error("set the mode of", file.path(), source))?;
    }
    Ok(file.into_temp_path())
}

/// Gives the finished file at `temp` the name `database`, unless a file has that name already (another
/// process made the store at the same moment: its store is used and `temp` deleted). Returns whether
/// `temp` became the store.
pub fn publish(temp: TempPath, database: &Path) -> Result<bool, StoreError> {
    match temp.persist_noclobber(database) {
        Ok(()) => Ok(true),
        Err(error) if error.error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(io_error(
            "give the new store its name",
            database,
            error.error,
        )),
    }
}

fn prepare_dir(dir: &Path) -> Result<(), StoreError> {
    match fs::metadata(dir) {
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => create_dir(dir)?,
        Err(source) => return Err(io_error("read the attributes of", dir, source)),
    }
    let metadata =
        fs::metadata(dir).map_err(|source| io_error("read the attributes of", dir, source))?;
    if !metadata.is_dir() {
        return Err(StoreError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    check_private(dir, &metadata, 0o700)
}

fn create_dir(dir: &Path) -> Result<(), StoreError> {
    if let Some(parent) = dir.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .map_err(|source| io_error("create the directory", parent, source))?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    match builder.create(dir) {
        Ok(()) => set_mode(dir, 0o700, "set the mode of the store directory"),
        // Another process made it at the same moment: it is checked like any existing directory.
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(io_error("create the store directory", dir, source)),
    }
}

fn check_file(path: &Path) -> Result<(), StoreError> {
    let metadata =
        fs::metadata(path).map_err(|source| io_error("read the attributes of", path, source))?;
    if !metadata.is_file() {
        return Err(StoreError::Insecure {
            path: path.to_path_buf(),
            problem: "is not a regular file".into(),
            fix: "it is moved away".into(),
        });
    }
    check_private(path, &metadata, 0o600)
}

/// Refuses a file or directory that other users can read or write, or that another user owns.
#[cfg(unix)]
fn check_private(path: &Path, metadata: &fs::Metadata, wanted: u32) -> Result<(), StoreError> {
    use std::os::unix::fs::MetadataExt;

    let owner = metadata.uid();
    let me = rustix::process::geteuid().as_raw();
    if owner != me {
        return Err(StoreError::Insecure {
            path: path.to_path_buf(),
            problem: format!("belongs to another user (uid {owner}, you are uid {me})"),
            fix: format!("it belongs to you (chown {me} {})", path.display()),
        });
    }
    let mode = metadata.mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(StoreError::Insecure {
            path: path.to_path_buf(),
            problem: format!("can be read or written by other users (mode {mode:04o})"),
            fix: format!(
                "it is mode {wanted:04o} (chmod {wanted:o} {})",
                path.display()
            ),
        });
    }
    Ok(())
}

/// Elsewhere the store relies on the per-user profile directory's own access control.
#[cfg(not(unix))]
fn check_private(_path: &Path, _metadata: &fs::Metadata, _wanted: u32) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32, action: &'static str) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|source| io_error(action, path, source))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32, _action: &'static str) -> Result<(), StoreError> {
    Ok(())
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> StoreError {
    StoreError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    use super::*;

    /// A store directory made by [`prepare`] in a new temporary directory, and an empty database file of
    /// this mode in it.
    fn store_with_file(mode: u32) -> (tempfile::TempDir, PathBuf) {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("store");
        let (database, _) = prepare(&dir).unwrap();
        fs::write(&database, b"").unwrap();
        fs::set_permissions(&database, fs::Permissions::from_mode(mode)).unwrap();
        (temp, database)
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().mode() & 0o7777
    }

    #[test]
    fn creates_the_directory_and_its_parents_owner_only() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("data").join("host-sim");
        assert_eq!(prepare(&dir).unwrap(), (dir.join("store.sqlite"), false));
        assert_eq!(mode(&dir), 0o700);
        // A second call finds it and keeps it.
        assert_eq!(prepare(&dir).unwrap(), (dir.join("store.sqlite"), false));
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[test]
    fn a_new_file_is_owner_only_and_takes_a_free_name_only() {
        let temp = tempfile::tempdir().unwrap();
        let database = temp.path().join(DATABASE_FILE);
        let first = new_private_file(temp.path()).unwrap();
        assert_eq!(mode(&first), 0o600);
        fs::write(&first, b"first").unwrap();
        assert!(publish(first, &database).unwrap());
        let second = new_private_file(temp.path()).unwrap();
        fs::write(&second, b"second").unwrap();
        assert!(!publish(second, &database).unwrap(), "the name was taken");
        assert_eq!(fs::read(&database).unwrap(), b"first");
        let names: Vec<_> = fs::read_dir(temp.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, [DATABASE_FILE], "the loser's file is gone");
    }

    #[test]
    fn refuses_a_directory_other_users_can_read_and_leaves_it_alone() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("store");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let error = prepare(&dir).unwrap_err();
        assert!(matches!(error, StoreError::Insecure { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            format!(
                "{} can be read or written by other users (mode 0755); the store holds secrets, so host-sim \
                 will not use it until it is mode 0700 (chmod 700 {})",
                dir.display(),
                dir.display()
            )
        );
        assert_eq!(mode(&dir), 0o755);
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            0,
            "nothing was created"
        );
    }

    #[test]
    fn refuses_a_database_file_other_users_can_read() {
        let (_temp, database) = store_with_file(0o644);
        let dir = database.parent().unwrap();
        assert_eq!(prepare(dir).unwrap(), (database.clone(), true));
        let error = check_database(&database).unwrap_err();
        assert!(
            error.to_string().contains("(mode 0644)") && error.to_string().contains("chmod 600"),
            "{error}"
        );
    }

    #[test]
    fn refuses_a_side_file_other_users_can_write() {
        let (_temp, database) = store_with_file(0o600);
        check_database(&database).unwrap();
        let wal = database.with_file_name("store.sqlite-wal");
        fs::write(&wal, b"").unwrap();
        fs::set_permissions(&wal, fs::Permissions::from_mode(0o622)).unwrap();
        let error = check_database(&database).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("{}-wal can be read", database.display())),
            "{error}"
        );
    }

    #[test]
    fn refuses_a_file_where_the_directory_should_be() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("store");
        fs::write(&path, b"not a directory").unwrap();
        let error = prepare(&path).unwrap_err();
        assert!(
            matches!(error, StoreError::NotADirectory { .. }),
            "{error:?}"
        );
        assert_eq!(fs::read(&path).unwrap(), b"not a directory");
    }

    #[test]
    fn refuses_a_directory_that_belongs_to_another_user() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("store");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        // Only root may give a directory away; as anyone else the owner check is exercised only by the
        // mode checks above, and this test says so.
        let nobody = 65534;
        if std::os::unix::fs::chown(&dir, Some(nobody), None).is_err() {
            eprintln!(
                "not root: cannot give a directory to another user, owner refusal not exercised"
            );
            return;
        }
        assert_eq!(fs::metadata(&dir).unwrap().uid(), nobody);
        let error = prepare(&dir).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("belongs to another user (uid 65534"),
            "{error}"
        );
    }
}
