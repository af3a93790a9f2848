// wtf-plugin-html ships no types: it is a wtf_wikipedia plugin that adds html() to parsed objects.
declare module "wtf-plugin-html" {
  const plugin: (models: unknown, templates: unknown) => void;
  export default plugin;
}
