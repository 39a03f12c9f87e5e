import { OptionError, checkState } from "../errors";
import { validateState } from "../stateSchema";
import { GuardState, INPUT_POLICY_OPTIONS, InputGuard, InputPolicy, readInputPolicy } from "../inputGuard";
import { OptionReader } from "../options";
import { DataPoint, Detector, DetectorOptions, DetectorResult, DetectorState, OptionValue } from "../types";

/** Members an ensemble may have. */
export const MAX_MEMBERS = 100;
/**
 * Combines detectors fed the same points. Options: `members` (comma-separated registry names, default
 * "rcf,zscore"), `combine` = max (default: the most alarmed member speaks) | mean (average of the
 * normalised scores) | vote (anomaly when most members agree). A member's own options are passed with
 * its name as prefix: `rcf.numberOfTrees=50`. The same detector can join twice under tags:
 * `members=rcf,rcf#long` with `rcf#long.shingleSize=8`. The explanation (attribution, expected) comes from the
 * member with the highest score. The ensemble checks input itself (options `missing`, `outOfOrder`, as every detector)
 * and hands members clean values, so a bad point is refused before any member learns from it.
 */
export type Combine = "max" | "mean" | "vote";

export interface EnsembleFactory {
  create(name: string, dimensions: number, options: DetectorOptions): Detector;
  restore(state: DetectorState): Detector;
}

interface EnsembleState extends DetectorState {
  readonly combine: Combine;
  readonly members: DetectorState[];
  /** Bad-input policies (options `missing`, `outOfOrder`): see InputGuard. */
  readonly input: InputPolicy;
  readonly guard: GuardState;
}

/** "rcf#long" -> "rcf": the registry name of a (possibly tagged) member. */
function kindOf(member: string): string {
  const hash = member.indexOf("#");
  return hash < 0 ? member : member.slice(0, hash);
}

export class EnsembleDetector implements Detector {
  readonly name = "ensemble";
  readonly dimensions: number;
  private readonly guard: InputGuard;

  constructor(
    readonly members: Detector[],
    readonly combine: Combine,
    readonly input: InputPolicy,
    guard?: GuardState,
  ) {
    if (members.length === 0) throw new OptionError("option members must name at least one detector, got none");
    this.dimensions = members[0].dimensions;
    this.guard = new InputGuard(this.dimensions, input, guard);
  }

  get count(): number {
    return this.members[0].count;
  }

  static create(dimensions: number, options: DetectorOptions, factory: EnsembleFactory): EnsembleDetector {
    const own: Record<string, OptionValue | undefined> = {};
    const perMember = new Map<string, Record<string, OptionValue>>();
    for (const [key, value] of Object.entries(options)) {
      const dot = key.indexOf(".");
      if (dot > 0 && value !== undefined) {
        const member = key.slice(0, dot);
        perMember.set(member, { ...perMember.get(member), [key.slice(dot + 1)]: value });
      } else own[key] = value;
    }
    const r = new OptionReader("ensemble", own);
    const names = r
      .string("members", "rcf,zscore")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const combine = r.choice<Combine>("combine", "max", ["max", "mean", "vote"]);
    const input = readInputPolicy(r);
    r.done();
    for (const [prefix, given] of perMember) {
      if (names.includes(prefix)) continue;
      const [key, value] = Object.entries(given)[0];
      throw new OptionError(`option ${prefix}.${key}=${String(value)}: ${prefix} is not a member; members: ${names.join(", ")}`);
    }
    if (names.some((n) => kindOf(n) === "ensemble")) throw new OptionError("option members cannot include ensemble itself");
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new OptionError(`option members names ${duplicate} twice; tag one (${duplicate}#2)`);
    // the most a saved state may hold (stateSchema.ts)
    if (names.length > MAX_MEMBERS) throw new OptionError(`option members names ${names.length} detectors, at most ${MAX_MEMBERS} are allowed`);
    // the ensemble guards its input once for all: a member's own policy could refuse a point the others learned
    for (const [prefix, given] of perMember) {
      const policy = Object.keys(given).find((k) => (INPUT_POLICY_OPTIONS as readonly string[]).includes(k));
      if (policy !== undefined) {
        throw new OptionError(
          `option ${prefix}.${policy}=${String(given[policy])}: the ensemble checks its input for every member; give ${policy} to the ensemble itself`,
        );
      }
    }
    // the ensemble has checked time order already; members see the points it passes in that order
    const memberOptions = (n: string): DetectorOptions => ({ ...perMember.get(n), outOfOrder: "accept" });
    const member = (n: string): Detector => {
      try {
        return factory.create(kindOf(n), dimensions, memberOptions(n));
      } catch (e) {
        // a member's option is given as `member.name`: say whose it is
        if (e instanceof OptionError) throw new OptionError(`ensemble member ${n}: ${e.message}`);
        throw e;
      }
    };
    return new EnsembleDetector(names.map(member), combine, input);
  }

  static fromState(state: DetectorState, factory: EnsembleFactory): EnsembleDetector {
    checkState(state, "ensemble", 1);
    validateState(state);
    const s = state as EnsembleState;
    return new EnsembleDetector(
      s.members.map((m) => factory.restore(m)),
      s.combine,
      { ...s.input },
      s.guard,
    );
  }

  process(point: DataPoint): DetectorResult {
    const { values, imputed, clipped, unread } = this.guard.checkPoint(point);
    // a member fills the gaps from its own memory: an rcf member keeps a value it set aside out of them; the
    // unread inputs it estimates itself
    const filled = unread.length > 0 ? { imputed: imputed.filter((i) => !unread.includes(i)), unread } : imputed.length > 0 ? { imputed } : {};
    const results = this.members.map((m) => m.process({ timestamp: point.timestamp, values, ...filled }));
    // (rare: most points are learned, and this runs for every point)
    const unlearned = results.some((r) => r.unlearned) ? [...new Set(results.flatMap((r) => r.unlearned ?? []))].sort((a, b) => a - b) : [];
    this.guard.accept(point.timestamp, values, unread.length > 0 ? [...new Set([...unlearned, ...unread])] : unlearned);
    const setAside = unlearned.length > 0 ? { unlearned } : {};
    const ready = results.filter((r) => r.ready);
    const lead = results.reduce((best, r) => (r.score > best.score ? r : best), results[0]);
    if (ready.length === 0) return { ...lead, ready: false, imputed, clipped, ...setAside };
    let score: number;
    let anomaly: boolean;
    if (this.combine === "max") {
      score = lead.score;
      anomaly = ready.some((r) => r.anomaly);
    } else if (this.combine === "mean") {
      score = ready.reduce((s, r) => s + r.score, 0) / ready.length;
      anomaly = score >= 0.5;
    } else {
      const votes = ready.filter((r) => r.anomaly).length;
      anomaly = votes * 2 > ready.length;
      score = ready.reduce((s, r) => s + r.score, 0) / ready.length;
    }
    return {
      ready: true,
      rawScore: score,
      score,
      anomaly,
      grade: anomaly ? Math.max(0, 2 * (score - 0.5), lead.grade) : 0,
      attribution: lead.attribution,
      expected: lead.expected,
      imputed,
      clipped,
      ...setAside,
    };
  }

  toState(): EnsembleState {
    return {
      detector: "ensemble",
      version: 1,
      combine: this.combine,
      input: { ...this.input },
      guard: this.guard.getState(),
      members: this.members.map((m) => m.toState()),
    };
  }
}
