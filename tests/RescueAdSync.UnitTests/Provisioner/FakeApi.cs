using System.Net;
using System.Reflection;
using Refit;

namespace RescueAdSync.UnitTests.Provisioner;

/// <summary>A Refit interface answered by method name; any other call fails the test.</summary>
internal class FakeApi : DispatchProxy
{
    private Dictionary<string, Func<object?[], object?>> _answers = [];

    public static T Create<T>(Dictionary<string, Func<object?[], object?>> answers)
        where T : class
    {
        var proxy = Create<T, FakeApi>();
        ((FakeApi)(object)proxy)._answers = answers;
        return proxy;
    }

    /// <summary>200 with the content, or 404 without.</summary>
    public static IApiResponse<T> Response<T>(T? content)
        where T : class =>
        new ApiResponse<T>(new HttpResponseMessage(content is null ? HttpStatusCode.NotFound : HttpStatusCode.OK) { RequestMessage = new HttpRequestMessage() },
            content, new RefitSettings());

    protected override object? Invoke(MethodInfo? method, object?[]? args) =>
        _answers.TryGetValue(method!.Name, out var answer) ? answer(args ?? []) : throw new NotSupportedException($"{method.Name} must not be called.");
}
