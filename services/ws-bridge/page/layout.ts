// ForceAtlas2 in a web worker (graphology's supervisor) on a copy of the graph: the worker iterates
// back to back on the copy, and the copy's positions are written to the drawn graph in one update
// every CHECK_MS (every order/4 ms for a large graph), so drawing does not slow the layout down. New
// nodes and links join the copy at most every SYNC_MS (each join restarts the worker with the larger
// graph). It stops once it settles: on two checks in a row the nodes moved less than SETTLED_SHARE of
// the drawing's extent (FA2 keeps swinging a little around its layout and does not come to rest by
// itself), or MAX_RUN_MS after the last change.
import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";
import FA2Layout from "graphology-layout-forceatlas2/worker";

type XY = { x: number; y: number };

const CHECK_MS = 500;
const SYNC_MS = 1_000;
const SETTLED_SHARE = 0.01;
const MAX_RUN_MS = 20_000;
const SAMPLE = 2_000;

export interface LayoutState {
  running: boolean;
  /** ms from the first start after a change until it settled; undefined while it runs */
  lastSettleMs: number | undefined;
  runs: number;
  /** the last check's movement, as a share of the extent */
  moved: number;
  iterations: number;
}

export class Layout {
  readonly #drawn: Graph<XY>;
  readonly #copy = new Graph<XY>({ type: "directed", multi: false, allowSelfLoops: false });
  #fa2: FA2Layout | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #startedAt = 0;
  #changedAt = 0;
  #syncedAt = 0;
  #shownAt = 0;
  #dirty = false;
  #settingsOrder = 0;
  #calmChecks = 0;
  #iterationsAtCheck = 0;
  #previous = new Map<string, XY>();
  readonly state: LayoutState = { running: false, lastSettleMs: undefined, runs: 0, moved: 0, iterations: 0 };

  constructor(drawn: Graph<XY>) {
    this.#drawn = drawn;
    // The supervisor writes each iteration's positions in one go (updateEachNodeAttributes).
    this.#copy.on("eachNodeAttributesUpdated", () => this.state.iterations++);
  }

  /** The graph changed: run (again) until it settles. */
  kick(): void {
    this.#changedAt = performance.now();
    this.#dirty = true;
    if (this.state.running) return;
    Object.assign(this.state, { running: true, lastSettleMs: undefined, runs: this.state.runs + 1 });
    this.#startedAt = this.#changedAt;
    this.#calmChecks = 0;
    this.#sync();
    this.#timer = setInterval(() => this.#check(), CHECK_MS);
  }

  /** New nodes and links into the copy; a new supervisor when the graph outgrew its settings. */
  #sync(): void {
    this.#dirty = false;
    this.#syncedAt = performance.now();
    this.#drawn.forEachNode((key, a) => {
      if (!this.#copy.hasNode(key)) this.#copy.addNode(key, { x: a.x, y: a.y });
    });
    this.#drawn.forEachEdge((_e, _a, source, target) => {
      if (!this.#copy.hasEdge(source, target)) this.#copy.addEdge(source, target);
    });
    if (this.#fa2 && this.#copy.order <= 2 * this.#settingsOrder) return this.#fa2.start();
    this.#fa2?.kill();
    this.#settingsOrder = this.#copy.order;
    this.#fa2 = new FA2Layout(this.#copy, { settings: settingsFor(this.#copy.order) });
    this.#fa2.start();
  }

  #check(): void {
    const now = performance.now();
    // Drawing 10,000 nodes costs software WebGL a lot: a large graph is redrawn less often while it moves.
    if (now - this.#shownAt >= Math.max(CHECK_MS, this.#copy.order / 4)) this.#show();
    if (this.#dirty && now - this.#syncedAt >= SYNC_MS + this.#copy.order / 5) this.#sync();
    const quietFor = now - this.#changedAt;
    if (quietFor > MAX_RUN_MS) return this.#settle(now);
    // No iteration came back since the last check (a large graph, a restarted worker): nothing to judge.
    if (this.state.iterations === this.#iterationsAtCheck) return;
    this.#iterationsAtCheck = this.state.iterations;
    this.state.moved = this.#movedShare();
    this.#calmChecks = this.state.moved < SETTLED_SHARE ? this.#calmChecks + 1 : 0;
    if (this.#calmChecks >= 2 && !this.#dirty) this.#settle(now);
  }

  /** The copy's positions onto the drawn graph, in one update (one re-render). */
  #show(): void {
    this.#shownAt = performance.now();
    const copy = this.#copy;
    this.#drawn.updateEachNodeAttributes(
      (key, a) => {
        if (!copy.hasNode(key)) return a;
        const p = copy.getNodeAttributes(key);
        return { ...a, x: p.x, y: p.y };
      },
      { attributes: ["x", "y"] },
    );
  }

  #settle(now: number): void {
    this.#fa2?.stop();
    this.#show();
    clearInterval(this.#timer);
    this.state.running = false;
    this.state.lastSettleMs = Math.round(now - this.#startedAt);
  }

  /** How far a sample of nodes moved since the last check, as a share of the drawing's extent. */
  #movedShare(): number {
    let minX = Infinity;
    let maxX = -Infinity;
    let total = 0;
    let n = 0;
    const next = new Map<string, XY>();
    const step = Math.max(1, Math.floor(this.#copy.order / SAMPLE));
    let i = 0;
    this.#copy.forEachNode((key, a) => {
      if (i++ % step !== 0) return;
      minX = Math.min(minX, a.x);
      maxX = Math.max(maxX, a.x);
      const before = this.#previous.get(key);
      if (before) {
        total += Math.hypot(a.x - before.x, a.y - before.y);
        n++;
      }
      next.set(key, { x: a.x, y: a.y });
    });
    this.#previous = next;
    return n === 0 ? Infinity : total / n / Math.max(maxX - minX, 1e-9);
  }
}

/** graphology's inferred settings (Barnes–Hut above 2,000 nodes), with gravity strong enough that
 * separate clusters stay on the screen instead of drifting apart. */
function settingsFor(order: number) {
  return { ...forceAtlas2.inferSettings(order), gravity: 1, strongGravityMode: true };
}
