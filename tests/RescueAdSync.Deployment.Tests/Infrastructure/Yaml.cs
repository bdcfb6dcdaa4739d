using YamlDotNet.RepresentationModel;

namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>Small navigation helpers over YamlDotNet's representation model.</summary>
public static class Yaml
{
    public static IReadOnlyList<YamlMappingNode> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public static YamlMappingNode Load(string text) => LoadAll(text).Single();

    /// <summary>The node at <paramref name="path"/> (mapping keys), or null where any step is missing.</summary>
    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }

        return node;
    }

    public static string? Text(this YamlNode? node) => node is YamlScalarNode { Value: { } value } ? value : null;

    public static string? Text(this YamlNode? node, params string[] path) => node.At(path).Text();

    public static IEnumerable<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode sequence ? sequence.Children : [];

    public static IEnumerable<YamlNode> Items(this YamlNode? node, params string[] path) => node.At(path).Items();

    public static IReadOnlyDictionary<string, string> StringMap(this YamlNode? node) =>
        node is YamlMappingNode mapping
            ? mapping.Children.ToDictionary(kv => kv.Key.Text() ?? "", kv => kv.Value.Text() ?? "")
            : new Dictionary<string, string>();

    public static IEnumerable<string> Keys(this YamlNode? node) =>
        node is YamlMappingNode mapping ? mapping.Children.Keys.Select(k => k.Text() ?? "") : [];

    /// <summary>A canonical text of a node (mapping keys sorted, scalars trimmed) to compare two trees for equality.</summary>
    public static string Canonical(this YamlNode? node) => node switch
    {
        YamlMappingNode m => "{" + string.Join(",", m.Children
            .OrderBy(kv => kv.Key.Text(), StringComparer.Ordinal)
            .Select(kv => kv.Key.Text() + ":" + kv.Value.Canonical())) + "}",
        YamlSequenceNode s => "[" + string.Join(",", s.Children.Select(c => c.Canonical())) + "]",
        YamlScalarNode sc => "'" + (sc.Value ?? "").Trim() + "'",
        _ => "null",
    };
}
