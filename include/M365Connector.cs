// M365Connector.cs: a C# binding of the connector plugin C ABI, version 1 (include/m365_connector.h).
//
// Written for C# 7.3 (Mono's mcs, .NET Framework 4.x, .NET Core and later). It loads a plugin by path at run
// time (dlopen on Linux and macOS, LoadLibrary on Windows), checks its ABI version and function table the way
// the header says a host must, and calls the table's function pointers through delegates. The JSON documents
// that travel through the ABI are described in docs/abi.md; this binding passes them as strings and leaves
// their parsing to the host.
//
// Rules the binding keeps for you:
// - Strings cross the boundary as NUL-terminated UTF-8, marshalled explicitly both ways (never the
//   platform's ANSI code page).
// - Every result document is copied into a string and released at once with the plugin's document_free.
// - A session is a SafeHandle: it is freed exactly once, by Dispose or by the finalizer.
// - The event callback delegate lives as long as the session handle, so the plugin never calls a collected
//   delegate; an exception thrown by your event handler never crosses into the plugin: it is kept in
//   ConnectorSession.CallbackException.
// - The library is unloaded only after shutdown succeeded and every session was released.
//
// Threading: calls on one session are serialised by the plugin (a concurrent call returns Busy); Cancel may
// be called from any thread. Events arrive on the thread that made the running call.

using System;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace M365Connector
{
    /// <summary>The status every ABI function returns; values are fixed forever (see the header).
    /// A value not listed here must be treated as <see cref="Internal"/>.</summary>
    public enum ConnectorStatus : uint
    {
        /// <summary>The call succeeded.</summary>
        Ok = 0,
        /// <summary>A required pointer was NULL, or a string was not valid UTF-8.</summary>
        InvalidArgument = 1,
        /// <summary>A JSON document passed in was malformed or of the wrong shape.</summary>
        InvalidJson = 2,
        /// <summary>Settings failed validation; the document lists the errors field by field.</summary>
        InvalidSettings = 3,
        /// <summary>Another call is running on this session; nothing was done.</summary>
        Busy = 4,
        /// <summary>The call was cancelled.</summary>
        Cancelled = 5,
        /// <summary>This operation is not available in this version of the plugin.</summary>
        NotAvailable = 6,
        /// <summary>An administrator must sign in first.</summary>
        SignInRequired = 7,
        /// <summary>Sign-in failed or was refused.</summary>
        SignInFailed = 8,
        /// <summary>A role or permission is missing.</summary>
        PermissionDenied = 9,
        /// <summary>Something the call refers to does not exist.</summary>
        NotFound = 10,
        /// <summary>A conflict the plugin may not resolve alone.</summary>
        Conflict = 11,
        /// <summary>The host must confirm something first; nothing was changed.</summary>
        ConfirmationRequired = 12,
        /// <summary>A Microsoft service answered with an error.</summary>
        ServiceError = 13,
        /// <summary>A service could not be reached.</summary>
        NetworkError = 14,
        /// <summary>A wait ran out.</summary>
        Timeout = 15,
        /// <summary>The connection test ran and at least one check failed.</summary>
        TestFailed = 16,
        /// <summary>The plugin was shut down.</summary>
        ShutDown = 17,
        /// <summary>An unexpected internal error.</summary>
        Internal = 98,
        /// <summary>The plugin panicked inside the call; it was contained and the host may continue.</summary>
        Panic = 99,
    }

    /// <summary>The outcome of one call: its status and its JSON result document (null when the host did not
    /// ask for one or the plugin wrote none).</summary>
    public sealed class ConnectorResult
    {
        internal ConnectorResult(ConnectorStatus status, string document)
        {
            Status = status;
            Document = document;
        }

        /// <summary>The status the plugin returned.</summary>
        public ConnectorStatus Status { get; private set; }

        /// <summary>The result document (UTF-8 JSON decoded to a string); see docs/abi.md.</summary>
        public string Document { get; private set; }

        /// <summary>Whether the status is <see cref="ConnectorStatus.Ok"/>.</summary>
        public bool IsOk { get { return Status == ConnectorStatus.Ok; } }

        /// <summary>The status and document, for logs.</summary>
        public override string ToString()
        {
            return Status + ": " + (Document ?? "(no document)");
        }
    }

    /// <summary>A plugin that cannot be loaded: missing, not a connector, another ABI major version, or a
    /// malformed function table.</summary>
    public sealed class ConnectorLoadException : Exception
    {
        /// <summary>Creates the exception with its message.</summary>
        public ConnectorLoadException(string message) : base(message) { }
    }

    /// <summary>A call that failed before the plugin could write a result document it owns (for example
    /// <c>session_new</c> refusing a session).</summary>
    public sealed class ConnectorException : Exception
    {
        /// <summary>Creates the exception from a failed call's result.</summary>
        public ConnectorException(string message, ConnectorResult result) : base(message)
        {
            Result = result;
        }

        /// <summary>The status and document of the failed call.</summary>
        public ConnectorResult Result { get; private set; }
    }

    /// <summary>The ABI version this binding was written for, as in the header.</summary>
    public static class ConnectorAbi
    {
        /// <summary>CONNECTOR_ABI_VERSION_MAJOR: a plugin with another major version is refused.</summary>
        public const ushort VersionMajor = 1;
        /// <summary>CONNECTOR_ABI_VERSION_MINOR: the table size this binding needs is that of this minor.</summary>
        public const ushort VersionMinor = 0;
        /// <summary>The exported version query.</summary>
        public const string VersionSymbol = "connector_abi_version";
        /// <summary>The exported entry.</summary>
        public const string EntrySymbol = "connector_entry";
    }

    // The C signatures, with every pointer as IntPtr so that marshalling stays explicit.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate uint AbiVersionFn();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate IntPtr EntryFn();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void EventFn(IntPtr userData, IntPtr eventJson);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate uint SessionNewFn(IntPtr optionsJson, IntPtr eventCb, IntPtr userData,
                                        out IntPtr sessionOut, out IntPtr resultOut);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void SessionFreeFn(IntPtr session);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate uint QueryFn(IntPtr session, out IntPtr resultOut);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate uint OperationFn(IntPtr session, IntPtr inputJson, out IntPtr resultOut);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate uint CancelFn(IntPtr session);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate uint ShutdownFn();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void DocumentFreeFn(IntPtr document);

    /// <summary>ConnectorApi as laid out in the header (ABI 1.0): every function pointer as IntPtr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ConnectorApiNative
    {
        public uint StructSize;
        public ushort AbiMajor;
        public ushort AbiMinor;
        public IntPtr SessionNew;
        public IntPtr SessionFree;
        public IntPtr Describe;
        public IntPtr Configure;
        public IntPtr Authenticate;
        public IntPtr Provision;
        public IntPtr Consent;
        public IntPtr Test;
        public IntPtr Remove;
        public IntPtr Cancel;
        public IntPtr Shutdown;
        public IntPtr DocumentFree;
    }

    /// <summary>UTF-8 strings to and from the plugin, without the default ANSI marshaller.</summary>
    internal static class Utf8
    {
        /// <summary>Copies a string into unmanaged memory as NUL-terminated UTF-8; free with
        /// Marshal.FreeHGlobal. null stays IntPtr.Zero.</summary>
        public static IntPtr ToNative(string text)
        {
            if (text == null)
            {
                return IntPtr.Zero;
            }
            if (text.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("a JSON document passed to the plugin cannot contain a NUL character");
            }
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            IntPtr native = Marshal.AllocHGlobal(bytes.Length + 1);
            Marshal.Copy(bytes, 0, native, bytes.Length);
            Marshal.WriteByte(native, bytes.Length, 0);
            return native;
        }

        /// <summary>Reads a NUL-terminated UTF-8 string; IntPtr.Zero gives null.</summary>
        public static string FromNative(IntPtr native)
        {
            if (native == IntPtr.Zero)
            {
                return null;
            }
            int length = 0;
            while (Marshal.ReadByte(native, length) != 0)
            {
                length++;
            }
            byte[] bytes = new byte[length];
            Marshal.Copy(native, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>Opens shared libraries by path and finds their exports: dlopen/dlsym on Unix, LoadLibrary
    /// on Windows.</summary>
    internal static class NativeLibraryLoader
    {
        private const int RTLD_NOW = 2;

        [DllImport("libdl.so.2", EntryPoint = "dlopen")]
        private static extern IntPtr DlOpen(byte[] fileName, int flags);
        [DllImport("libdl.so.2", EntryPoint = "dlsym")]
        private static extern IntPtr DlSym(IntPtr handle, byte[] symbol);
        [DllImport("libdl.so.2", EntryPoint = "dlclose")]
        private static extern int DlClose(IntPtr handle);
        [DllImport("libdl.so.2", EntryPoint = "dlerror")]
        private static extern IntPtr DlError();

        [DllImport("libc", EntryPoint = "dlopen")]
        private static extern IntPtr LibcDlOpen(byte[] fileName, int flags);
        [DllImport("libc", EntryPoint = "dlsym")]
        private static extern IntPtr LibcDlSym(IntPtr handle, byte[] symbol);
        [DllImport("libc", EntryPoint = "dlclose")]
        private static extern int LibcDlClose(IntPtr handle);
        [DllImport("libc", EntryPoint = "dlerror")]
        private static extern IntPtr LibcDlError();

        [DllImport("kernel32", EntryPoint = "LoadLibraryW", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibrary(string fileName);
        [DllImport("kernel32", EntryPoint = "GetProcAddress", CharSet = CharSet.Ansi)]
        private static extern IntPtr GetProcAddress(IntPtr module, string procName);
        [DllImport("kernel32", EntryPoint = "FreeLibrary")]
        private static extern bool FreeLibrary(IntPtr module);

        private static bool IsWindows
        {
            get { return Environment.OSVersion.Platform == PlatformID.Win32NT; }
        }

        // Whether libdl.so.2 is missing (macOS, musl): then dl* come from libc.
        private static bool useLibc;

        private static byte[] Utf8Z(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            Array.Resize(ref bytes, bytes.Length + 1);
            return bytes;
        }

        /// <summary>Loads a library; returns IntPtr.Zero and the loader's reason on failure.</summary>
        public static IntPtr Open(string path, out string error)
        {
            error = null;
            IntPtr handle;
            if (IsWindows)
            {
                handle = LoadLibrary(path);
                if (handle == IntPtr.Zero)
                {
                    error = "LoadLibrary failed with error " + Marshal.GetLastWin32Error();
                }
                return handle;
            }
            if (!useLibc)
            {
                try
                {
                    handle = DlOpen(Utf8Z(path), RTLD_NOW);
                    if (handle == IntPtr.Zero)
                    {
                        error = Utf8.FromNative(DlError());
                    }
                    return handle;
                }
                catch (DllNotFoundException)
                {
                    useLibc = true;
                }
            }
            handle = LibcDlOpen(Utf8Z(path), RTLD_NOW);
            if (handle == IntPtr.Zero)
            {
                error = Utf8.FromNative(LibcDlError());
            }
            return handle;
        }

        /// <summary>The address of an export, or IntPtr.Zero.</summary>
        public static IntPtr Symbol(IntPtr library, string name)
        {
            if (IsWindows)
            {
                return GetProcAddress(library, name);
            }
            return useLibc ? LibcDlSym(library, Utf8Z(name)) : DlSym(library, Utf8Z(name));
        }

        /// <summary>Unloads a library.</summary>
        public static void Close(IntPtr library)
        {
            if (IsWindows)
            {
                FreeLibrary(library);
            }
            else if (useLibc)
            {
                LibcDlClose(library);
            }
            else
            {
                DlClose(library);
            }
        }
    }

    /// <summary>A loaded connector plugin: the library and its function table, checked once.
    /// Dispose every session first, then the plugin.</summary>
    public sealed class ConnectorPlugin : IDisposable
    {
        private IntPtr library;
        private readonly object gate = new object();
        private int openSessions;
        private ConnectorStatus? shutdownStatus;

        internal readonly SessionNewFn SessionNew;
        internal readonly SessionFreeFn SessionFree;
        internal readonly QueryFn DescribeFn;
        internal readonly OperationFn ConfigureFn;
        internal readonly OperationFn AuthenticateFn;
        internal readonly OperationFn ProvisionFn;
        internal readonly OperationFn ConsentFn;
        internal readonly OperationFn TestFn;
        internal readonly OperationFn RemoveFn;
        internal readonly CancelFn CancelFn;
        private readonly ShutdownFn shutdownFn;
        private readonly DocumentFreeFn documentFree;

        /// <summary>The path the plugin was loaded from.</summary>
        public string Path { get; private set; }

        /// <summary>The packed ABI version the plugin's version query returned (major &lt;&lt; 16 | minor).</summary>
        public uint AbiVersion { get; private set; }

        /// <summary>The plugin's ABI major version.</summary>
        public ushort AbiMajor { get { return (ushort)(AbiVersion >> 16); } }

        /// <summary>The plugin's ABI minor version.</summary>
        public ushort AbiMinor { get { return (ushort)(AbiVersion & 0xffff); } }

        /// <summary>The size of the plugin's function table in bytes.</summary>
        public uint TableSize { get; private set; }

        private static T Function<T>(IntPtr pointer, string name, string path) where T : class
        {
            if (pointer == IntPtr.Zero)
            {
                throw new ConnectorLoadException("plugin " + path + ": its function table has no `" + name + "` (NULL)");
            }
            return Marshal.GetDelegateForFunctionPointer<T>(pointer);
        }

        private ConnectorPlugin(string path, IntPtr library, uint version, ConnectorApiNative api)
        {
            Path = path;
            this.library = library;
            AbiVersion = version;
            TableSize = api.StructSize;
            SessionNew = Function<SessionNewFn>(api.SessionNew, "session_new", path);
            SessionFree = Function<SessionFreeFn>(api.SessionFree, "session_free", path);
            DescribeFn = Function<QueryFn>(api.Describe, "describe", path);
            ConfigureFn = Function<OperationFn>(api.Configure, "configure", path);
            AuthenticateFn = Function<OperationFn>(api.Authenticate, "authenticate", path);
            ProvisionFn = Function<OperationFn>(api.Provision, "provision", path);
            ConsentFn = Function<OperationFn>(api.Consent, "consent", path);
            TestFn = Function<OperationFn>(api.Test, "test", path);
            RemoveFn = Function<OperationFn>(api.Remove, "remove", path);
            CancelFn = Function<CancelFn>(api.Cancel, "cancel", path);
            shutdownFn = Function<ShutdownFn>(api.Shutdown, "shutdown", path);
            documentFree = Function<DocumentFreeFn>(api.DocumentFree, "document_free", path);
        }

        /// <summary>Loads the plugin at <paramref name="path"/>, refusing a file that is not a connector, another
        /// ABI major version, and a function table smaller than ABI 1.0's.</summary>
        /// <exception cref="ConnectorLoadException">The plugin cannot be used; the message says why.</exception>
        public static ConnectorPlugin Load(string path)
        {
            if (!System.IO.File.Exists(path))
            {
                throw new ConnectorLoadException("plugin " + path + ": no such file");
            }
            string fullPath = System.IO.Path.GetFullPath(path);
            string error;
            IntPtr library = NativeLibraryLoader.Open(fullPath, out error);
            if (library == IntPtr.Zero)
            {
                throw new ConnectorLoadException("plugin " + path + ": cannot be loaded as a shared library: " + error);
            }
            try
            {
                IntPtr versionSymbol = NativeLibraryLoader.Symbol(library, ConnectorAbi.VersionSymbol);
                if (versionSymbol == IntPtr.Zero)
                {
                    throw new ConnectorLoadException(path + " is not a connector plugin: it does not export `"
                                                     + ConnectorAbi.VersionSymbol + "`");
                }
                var versionFn = Marshal.GetDelegateForFunctionPointer<AbiVersionFn>(versionSymbol);
                uint version = versionFn();
                if ((version >> 16) != ConnectorAbi.VersionMajor)
                {
                    throw new ConnectorLoadException("plugin " + path + " speaks connector ABI " + (version >> 16) + "."
                                                     + (version & 0xffff) + "; this host speaks "
                                                     + ConnectorAbi.VersionMajor + ".x");
                }
                IntPtr entrySymbol = NativeLibraryLoader.Symbol(library, ConnectorAbi.EntrySymbol);
                if (entrySymbol == IntPtr.Zero)
                {
                    throw new ConnectorLoadException("plugin " + path + ": it exports `" + ConnectorAbi.VersionSymbol
                                                     + "` but not `" + ConnectorAbi.EntrySymbol + "`");
                }
                var entryFn = Marshal.GetDelegateForFunctionPointer<EntryFn>(entrySymbol);
                IntPtr table = entryFn();
                if (table == IntPtr.Zero)
                {
                    throw new ConnectorLoadException("plugin " + path + ": `" + ConnectorAbi.EntrySymbol + "` returned NULL");
                }
                // Read struct_size before anything else, as the header asks.
                uint size = (uint)Marshal.ReadInt32(table, 0);
                int needed = Marshal.SizeOf<ConnectorApiNative>();
                if (size < needed)
                {
                    throw new ConnectorLoadException("plugin " + path + ": its function table is " + size
                                                     + " bytes; this host needs at least " + needed
                                                     + " (connector ABI 1.0)");
                }
                var api = Marshal.PtrToStructure<ConnectorApiNative>(table);
                if (api.AbiMajor != ConnectorAbi.VersionMajor)
                {
                    throw new ConnectorLoadException("plugin " + path + ": its function table says ABI "
                                                     + api.AbiMajor + "." + api.AbiMinor
                                                     + " but its version query says " + (version >> 16) + "."
                                                     + (version & 0xffff));
                }
                return new ConnectorPlugin(path, library, version, api);
            }
            catch
            {
                NativeLibraryLoader.Close(library);
                throw;
            }
        }

        /// <summary>Opens a session. <paramref name="optionsJson"/> may be null (defaults);
        /// <paramref name="onEvent"/> may be null (no events) and receives each event document.</summary>
        /// <exception cref="ConnectorException">The plugin refused the session; the result says why.</exception>
        public ConnectorSession OpenSession(string optionsJson, Action<string> onEvent)
        {
            return new ConnectorSession(this, optionsJson, onEvent);
        }

        /// <summary>Stops the plugin's threads. Call it once every session was disposed; later calls return the
        /// first call's status. Dispose calls it when you did not.</summary>
        public ConnectorStatus Shutdown()
        {
            lock (gate)
            {
                if (!shutdownStatus.HasValue)
                {
                    shutdownStatus = (ConnectorStatus)shutdownFn();
                }
                return shutdownStatus.Value;
            }
        }

        /// <summary>Shuts the plugin down when that was not done, then unloads the library, but only when
        /// shutdown succeeded and no session is still open (otherwise the library stays loaded).</summary>
        public void Dispose()
        {
            ConnectorStatus status = Shutdown();
            lock (gate)
            {
                bool stopped = status == ConnectorStatus.Ok || status == ConnectorStatus.ShutDown;
                if (library != IntPtr.Zero && stopped && openSessions == 0)
                {
                    NativeLibraryLoader.Close(library);
                    library = IntPtr.Zero;
                }
            }
        }

        internal void SessionOpened()
        {
            lock (gate) { openSessions++; }
        }

        internal void SessionReleased()
        {
            lock (gate) { openSessions--; }
        }

        /// <summary>Turns a call's status and document pointer into a result, copying the document and freeing
        /// it with document_free at once.</summary>
        internal ConnectorResult TakeResult(uint status, IntPtr document)
        {
            string text = null;
            if (document != IntPtr.Zero)
            {
                try
                {
                    text = Utf8.FromNative(document);
                }
                finally
                {
                    documentFree(document);
                }
            }
            return new ConnectorResult((ConnectorStatus)status, text);
        }
    }

    /// <summary>The session pointer, freed with the plugin's session_free exactly once. It also holds the
    /// event delegate, so the delegate cannot be collected while the plugin may still call it.</summary>
    public sealed class ConnectorSessionHandle : SafeHandle
    {
        private readonly ConnectorPlugin plugin;
        internal EventFn EventCallback;

        internal ConnectorSessionHandle(ConnectorPlugin plugin) : base(IntPtr.Zero, true)
        {
            this.plugin = plugin;
        }

        /// <summary>Whether no session is held.</summary>
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        internal void Adopt(IntPtr session)
        {
            SetHandle(session);
            plugin.SessionOpened();
        }

        /// <summary>Frees the session in the plugin.</summary>
        protected override bool ReleaseHandle()
        {
            plugin.SessionFree(handle);
            plugin.SessionReleased();
            EventCallback = null;
            return true;
        }
    }

    /// <summary>One plugin session. Each operation blocks until the plugin returns and gives its status and
    /// result document. Dispose it (or let the finalizer) to free it.</summary>
    public sealed class ConnectorSession : IDisposable
    {
        private readonly ConnectorPlugin plugin;
        private readonly ConnectorSessionHandle handle;
        private readonly Action<string> onEvent;
        private Exception callbackException;

        internal ConnectorSession(ConnectorPlugin plugin, string optionsJson, Action<string> onEvent)
        {
            this.plugin = plugin;
            this.onEvent = onEvent;
            handle = new ConnectorSessionHandle(plugin);
            handle.EventCallback = Forward;
            IntPtr options = Utf8.ToNative(optionsJson);
            try
            {
                IntPtr session;
                IntPtr document;
                IntPtr callback = onEvent == null ? IntPtr.Zero : Marshal.GetFunctionPointerForDelegate<EventFn>(handle.EventCallback);
                // Call and adopt inside a finally block, which a thread abort cannot interrupt, so that the
                // session cannot leak between the two.
                uint status;
                try { }
                finally
                {
                    status = plugin.SessionNew(options, callback, IntPtr.Zero, out session, out document);
                    if (session != IntPtr.Zero)
                    {
                        handle.Adopt(session);
                    }
                }
                ConnectorResult result = plugin.TakeResult(status, document);
                if (result.Status != ConnectorStatus.Ok || handle.IsInvalid)
                {
                    handle.Dispose();
                    throw new ConnectorException("the plugin refused to open a session: " + result.Status, result);
                }
                SessionOpenResult = result;
            }
            finally
            {
                if (options != IntPtr.Zero)
                {
                    Marshal.FreeHGlobal(options);
                }
            }
        }

        /// <summary>The result document of session_new.</summary>
        public ConnectorResult SessionOpenResult { get; private set; }

        /// <summary>The session handle (for hosts that manage lifetimes themselves).</summary>
        public ConnectorSessionHandle Handle { get { return handle; } }

        /// <summary>The first exception the event handler threw, if any. It was caught at the boundary: an
        /// exception never unwinds into the plugin.</summary>
        public Exception CallbackException { get { return callbackException; } }

        private void Forward(IntPtr userData, IntPtr eventJson)
        {
            try
            {
                if (onEvent != null && eventJson != IntPtr.Zero)
                {
                    onEvent(Utf8.FromNative(eventJson));
                }
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref callbackException, exception, null);
            }
        }

        /// <summary>describe: the connector's identity, settings schema, steps, roles and permissions.</summary>
        public ConnectorResult Describe()
        {
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                IntPtr document;
                uint status = plugin.DescribeFn(handle.DangerousGetHandle(), out document);
                return plugin.TakeResult(status, document);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        /// <summary>configure: validates settings without touching the network.</summary>
        public ConnectorResult Configure(string settingsJson) { return Call(plugin.ConfigureFn, settingsJson); }

        /// <summary>authenticate: signs an administrator in.</summary>
        public ConnectorResult Authenticate(string inputJson) { return Call(plugin.AuthenticateFn, inputJson); }

        /// <summary>provision: creates or updates the application registration.</summary>
        public ConnectorResult Provision(string inputJson) { return Call(plugin.ProvisionFn, inputJson); }

        /// <summary>consent: grants admin consent to the application's permissions.</summary>
        public ConnectorResult Consent(string inputJson) { return Call(plugin.ConsentFn, inputJson); }

        /// <summary>test: tests the connection described by the settings.</summary>
        public ConnectorResult Test(string inputJson) { return Call(plugin.TestFn, inputJson); }

        /// <summary>remove: removes the connection's application, after the host confirmed.</summary>
        public ConnectorResult Remove(string inputJson) { return Call(plugin.RemoveFn, inputJson); }

        /// <summary>Asks the running call on this session to stop. Callable from any thread.</summary>
        public ConnectorStatus Cancel()
        {
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return (ConnectorStatus)plugin.CancelFn(handle.DangerousGetHandle());
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        private ConnectorResult Call(OperationFn function, string inputJson)
        {
            IntPtr input = Utf8.ToNative(inputJson);
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                IntPtr document;
                uint status = function(handle.DangerousGetHandle(), input, out document);
                return plugin.TakeResult(status, document);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
                if (input != IntPtr.Zero)
                {
                    Marshal.FreeHGlobal(input);
                }
            }
        }

        /// <summary>Frees the session.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }
    }
}
