export {
  type Method,
  PermissionError,
  type Plugin,
  type PluginContext,
  type PluginRequest,
  PluginStore,
  type RouteHandler,
} from "./context.ts";
export { type LoadedPlugins, type LoadedRoute, type LoadOptions, loadPlugins } from "./loader.ts";
export { API_VERSION, Manifest, ManifestError, readManifest } from "./manifest.ts";
