// The drawing: sigma.js over WebGL. Sigma frames the whole graph in the view by itself (its camera's
// default state shows the graph's bounding box), so the view fits the graph as it grows until the
// person zooms or pans; "fit" goes back to that state. Selected and cited articles are drawn apart.
import type Graph from "graphology";
import Sigma from "sigma";
import { EdgeLineProgram, NodePointProgram } from "sigma/rendering";
import type { NodeDisplayData } from "sigma/types";
import type { EdgeAttrs, NodeAttrs } from "./graph-model.ts";

const SELECTED = "#e0822b";
const FIT = { x: 0.5, y: 0.5, ratio: 1, angle: 0 };

export class GraphView {
  readonly sigma: Sigma<NodeAttrs, EdgeAttrs>;
  #selected: string | undefined;
  #cited = new Set<string>();
  /** the person zoomed or panned: the view no longer follows the graph until "fit" */
  userMoved = false;

  constructor(graph: Graph<NodeAttrs, EdgeAttrs>, container: HTMLElement, onClick: (title: string) => void) {
    this.sigma = new Sigma<NodeAttrs, EdgeAttrs>(graph, container, {
      // Software WebGL (SwiftShader, no GPU) must stay smooth at 10,000 nodes: nodes are drawn as
      // points and links as one-pixel lines (sigma's cheapest programs), and links are left out
      // while the camera moves.
      defaultNodeType: "point",
      defaultEdgeType: "line",
      nodeProgramClasses: { point: NodePointProgram },
      edgeProgramClasses: { line: EdgeLineProgram },
      hideEdgesOnMove: true,
      hideLabelsOnMove: true,
      zIndex: true,
      labelDensity: 0.5,
      labelRenderedSizeThreshold: 7,
      stagePadding: 24,
      nodeReducer: (key, data) => this.#look(key, data),
    });
    this.sigma.on("clickNode", ({ node }) => onClick(node));
    for (const gesture of ["wheelStage", "downStage", "wheelNode"] as const)
      this.sigma.on(gesture, () => this.#moved());
  }

  #look(key: string, data: NodeAttrs): Partial<NodeDisplayData> {
    if (key === this.#selected)
      return { ...data, color: SELECTED, size: data.size + 4, forceLabel: true, zIndex: 2 };
    if (this.#cited.has(key)) return { ...data, size: data.size + 3, forceLabel: true, zIndex: 1 };
    return data;
  }

  /** The person takes the camera: the framing stops following the graph, so the view stays put. */
  #moved(): void {
    if (this.userMoved) return;
    this.userMoved = true;
    this.sigma.setCustomBBox(this.sigma.getBBox());
  }

  fit(): void {
    this.userMoved = false;
    this.sigma.setCustomBBox(null);
    void this.sigma.getCamera().animate(FIT, { duration: 300 });
  }

  /** Centres the view on a node, zoomed in; resolves when the camera is there. */
  async centre(title: string): Promise<boolean> {
    const d = this.sigma.getNodeDisplayData(title);
    if (!d) return false;
    this.#moved();
    await this.sigma.getCamera().animate({ x: d.x, y: d.y, ratio: 0.25 }, { duration: 400 });
    return true;
  }

  select(title: string | undefined): void {
    this.#selected = title;
    this.sigma.refresh({ skipIndexation: true });
  }

  cite(titles: string[]): void {
    this.#cited = new Set(titles);
    this.sigma.refresh({ skipIndexation: true });
  }

  cited(): string[] {
    return [...this.#cited];
  }

  /** Where a node is drawn, in CSS pixels from the container's top-left corner. */
  viewportOf(title: string): { x: number; y: number } | undefined {
    const d = this.sigma.getNodeDisplayData(title);
    return d ? this.sigma.framedGraphToViewport(d) : undefined;
  }
}
