// A C# host of the connector plugin ABI through the binding include/M365Connector.cs: loads the built library
// by path, checks the version, describes, configures valid, invalid and version 1 settings, round-trips
// non-ASCII text as UTF-8, contains a panic, and frees what it gets. tests/hosts.rs compiles it with mcs and
// runs it with mono.
//
// Usage: mono Host.exe <path to libm365_connector.so> <directory of settings fixtures>
//        mono Host.exe --refuses <library> <expected message>   (the binding must refuse that library)
// Prints one PASS/FAIL line per check and a summary; exits non-zero when any check failed.

using System;
using System.IO;
using System.Text.RegularExpressions;
using M365Connector;

internal static class Host
{
    private static int run;
    private static int failed;

    private static void Check(bool ok, string what, object detail)
    {
        run++;
        if (ok)
        {
            Console.WriteLine("PASS  " + what);
        }
        else
        {
            failed++;
            Console.WriteLine("FAIL  " + what + (detail == null ? "" : ": " + detail));
        }
    }

    // Whether the JSON text has the member "key" whose value starts with `value`, whitespace allowed.
    private static bool HasMember(string json, string key, string value)
    {
        return json != null
            && Regex.IsMatch(json, "\"" + Regex.Escape(key) + "\"\\s*:\\s*" + Regex.Escape(value));
    }

    private static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "--refuses")
        {
            return Refuses(args[1], args[2]);
        }
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Host.exe <plugin library> <settings fixtures directory>");
            Console.Error.WriteLine("       Host.exe --refuses <library> <expected message>");
            return 2;
        }
        string libraryPath = args[0];
        string fixtures = args[1];

        try
        {
            Run(libraryPath, fixtures);
        }
        catch (Exception exception)
        {
            Check(false, "the host ran to the end without an exception", exception);
        }
        Console.WriteLine((failed == 0 ? "PASS" : "FAIL") + ": " + (run - failed) + " of " + run + " checks passed");
        return failed == 0 ? 0 : 1;
    }

    // The binding must refuse a library that is not a connector, or speaks another ABI major, with a message.
    private static int Refuses(string libraryPath, string expected)
    {
        try
        {
            ConnectorPlugin.Load(libraryPath).Dispose();
            Check(false, "the binding refuses " + libraryPath, "it loaded");
        }
        catch (ConnectorLoadException exception)
        {
            Check(exception.Message == expected, "the binding refuses " + libraryPath, exception.Message);
        }
        Console.WriteLine((failed == 0 ? "PASS" : "FAIL") + ": " + (run - failed) + " of " + run + " checks passed");
        return failed == 0 ? 0 : 1;
    }

    private static void Run(string libraryPath, string fixtures)
    {
        ConnectorPlugin plugin;
        try
        {
            plugin = ConnectorPlugin.Load(libraryPath);
        }
        catch (ConnectorLoadException exception)
        {
            Check(false, "load the plugin", exception.Message);
            return;
        }
        Check(plugin.AbiMajor == ConnectorAbi.VersionMajor, "ABI major version matches the binding",
              plugin.AbiMajor + "." + plugin.AbiMinor);
        Check(plugin.TableSize >= 13 * IntPtr.Size, "function table holds every ABI 1.0 function",
              plugin.TableSize);

        int events = 0;
        using (ConnectorSession session = plugin.OpenSession(
                   "{\"host\": {\"name\": \"csharp-host\", \"version\": \"1\"}, \"log_level\": \"debug\"}",
                   eventJson => { events++; throw new InvalidOperationException("a handler that throws"); }))
        {
            Check(HasMember(session.SessionOpenResult.Document, "operation", "\"session_new\""),
                  "session_new writes a result document", session.SessionOpenResult);

            ConnectorResult describe = session.Describe();
            Check(describe.Status == ConnectorStatus.Ok, "describe returns Ok", describe);
            Check(HasMember(describe.Document, "operation", "\"describe\"") && HasMember(describe.Document, "ok", "true"),
                  "describe document says operation and ok", describe);
            Check(describe.Document != null && describe.Document.Contains("\"tenant_id\"")
                  && describe.Document.Contains("Exchange.ManageAsApp"),
                  "describe document carries the schema and the permissions", null);

            ConnectorResult valid = session.Configure(File.ReadAllText(Path.Combine(fixtures, "auto-one-directory.json")));
            Check(valid.Status == ConnectorStatus.Ok && HasMember(valid.Document, "ok", "true"),
                  "configure accepts valid settings", valid);

            ConnectorResult invalid = session.Configure(
                File.ReadAllText(Path.Combine(fixtures, "several-directories-bad-tenant.json")));
            Check(invalid.Status == ConnectorStatus.InvalidSettings, "configure refuses invalid settings", invalid);
            Check(HasMember(invalid.Document, "field", "\"tenant_id\"")
                  && HasMember(invalid.Document, "field", "\"application_name\""),
                  "the error lists the tenant_id and application_name fields", invalid);

            ConnectorResult migrated = session.Configure(File.ReadAllText(Path.Combine(fixtures, "manual-v1.json")));
            Check(migrated.Status == ConnectorStatus.Ok && HasMember(migrated.Document, "code", "\"settings_migrated\""),
                  "configure migrates version 1 settings with a warning", migrated);

            const string name = "Synchronisation Zürich – 同期 ✓";
            ConnectorResult unicode = session.Configure(
                "{\"settings_version\": 3, \"mode\": \"auto\", \"tenant_mode\": \"one\", \"application_name\": \""
                + name + "\"}");
            Check(unicode.Status == ConnectorStatus.Ok && unicode.Document != null && unicode.Document.Contains(name),
                  "non-ASCII text survives the round trip as UTF-8", unicode);

            ConnectorResult malformed = session.Configure("{\"settings_version\": 3,");
            Check(malformed.Status == ConnectorStatus.InvalidJson && malformed.Document != null,
                  "malformed JSON returns InvalidJson with a document", malformed);

            if (events > 0)
            {
                Check(session.CallbackException is InvalidOperationException,
                      "an exception thrown by the event handler stays on the C# side", session.CallbackException);
            }
            Console.WriteLine("      (" + events + " events received; each handler call threw)");
        }

        using (ConnectorSession panicking = plugin.OpenSession("{\"diagnostics\": {\"panic_in\": \"describe\"}}", null))
        {
            ConnectorResult panic = panicking.Describe();
            Check(panic.Status == ConnectorStatus.Panic && HasMember(panic.Document, "status", "\"PANIC\""),
                  "a panic inside describe returns Panic with a document", panic);
        }
        using (ConnectorSession after = plugin.OpenSession(null, null))
        {
            Check(after.Describe().Status == ConnectorStatus.Ok, "describe works after the panic", null);
        }

        Check(plugin.Shutdown() == ConnectorStatus.Ok, "shutdown returns Ok", null);
        try
        {
            plugin.OpenSession(null, null).Dispose();
            Check(false, "a session after shutdown is refused", "it was opened");
        }
        catch (ConnectorException exception)
        {
            Check(exception.Result.Status == ConnectorStatus.ShutDown, "a session after shutdown is refused",
                  exception.Result);
        }
        plugin.Dispose();
    }
}
