using System.Text;
using RescueAdSync.Fuzz;
using SharpFuzz;

// One target per input surface. An exception a target treats as the product's documented answer to bad input is caught
// inside the target; anything else escapes and afl++ records the input as a crash.
//   RescueAdSync.Fuzz <target>                   fuzzed by afl-fuzz (deploy/local/fuzz.sh)
//   RescueAdSync.Fuzz <target> --replay FILE...  runs the files once each and prints what happened (a crash's stack trace)
var targets = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
{
    ["rescue-response"] = RescueResponseTarget.Run,
    ["ldap-entry"] = LdapEntryTarget.Run,
    ["config-json"] = ConfigJsonTarget.Run,
};

if (args.Length == 0 || !targets.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: RescueAdSync.Fuzz <{string.Join('|', targets.Keys)}> [--replay FILE...]");
    return 2;
}

if (args.Length > 1 && args[1] == "--replay")
{
    // The published assemblies are instrumented: their coverage counters need a map even when afl-fuzz provides none.
    Coverage.MapForReplay();
    var failed = 0;
    foreach (var file in args.Skip(2))
    {
        try
        {
            target(File.ReadAllBytes(file));
            Console.WriteLine($"{file}: handled");
        }
        catch (Exception ex)
        {
            failed++;
            Console.WriteLine($"{file}: CRASH {ex}");
        }
    }

    return failed == 0 ? 0 : 1;
}

// The input size afl++ may send is bounded by the target's own limits; the stream is read whole.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;

namespace RescueAdSync.Fuzz
{
    internal static class Coverage
    {
        /// <summary>A throwaway coverage map (afl's is 64 KiB; the margin costs nothing), so instrumented code runs outside afl-fuzz.</summary>
        public static unsafe void MapForReplay()
        {
            if (SharpFuzz.Common.Trace.SharedMem == null)
            {
                SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 20);
            }
        }
    }

    internal static class Input
    {
        /// <summary>Bytes as the services decode them: UTF-8, invalid sequences replaced.</summary>
        public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
    }
}
