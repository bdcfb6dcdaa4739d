using YamlDotNet.RepresentationModel;

namespace RescueAdSync.Deployment.Tests.Infrastructure;

/// <summary>One rendered Kubernetes object.</summary>
public sealed record Resource(string ApiVersion, string Kind, string Name, YamlMappingNode Node)
{
    public static Resource From(YamlMappingNode node) => new(
        node.Text("apiVersion") ?? "", node.Text("kind") ?? "", node.Text("metadata", "name") ?? "", node);

    public bool IsWorkload => Kind is "Deployment" or "StatefulSet";

    /// <summary>The pod template of a Deployment or StatefulSet.</summary>
    public YamlNode? PodTemplate => Node.At("spec", "template");

    public IReadOnlyDictionary<string, string> PodLabels => PodTemplate.At("metadata", "labels").StringMap();

    public IEnumerable<YamlNode> Containers => PodTemplate.Items("spec", "containers");

    public override string ToString() => $"{Kind}/{Name}";
}
