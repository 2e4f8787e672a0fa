import type { Probe } from '../model/index.js';

/** Runs one external command; injected so tests replay recorded output instead of the real tools. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandOutput>;
export type CommandOutput = { ok: true; stdout: string } | { ok: false; reason: string };

/** A service discovery proposes, in the input form of services.yaml. */
export interface Candidate {
  name: string;
  description: string;
  probe: Probe;
  /** TCP ports this candidate accounts for, so the port scan does not propose them again. */
  ports: number[];
}

export interface DiscoveryContext {
  /** Address written into tcp/http probes for listeners bound to every interface. */
  address: string;
  /** Ports already accounted for by an earlier source. */
  claimedPorts: ReadonlySet<number>;
  /** Names already proposed: a listener whose process one of them names is not proposed again. */
  knownNames: ReadonlySet<string>;
}

/** One place services are found: the command to run and a pure parser of its output. */
export interface DiscoverySource {
  name: string;
  command: { file: string; args: readonly string[] };
  parse(stdout: string, context: DiscoveryContext): Candidate[];
}
