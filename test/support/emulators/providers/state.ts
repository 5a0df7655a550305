/** What a test configures on an emulator: the scenario to play and the key it expects. */
export interface EmulatorState<S> {
  scenario: S;
  /** The key the client must send, in the provider's header form; `null`: no auth header at all. */
  apiKey: string | null;
}
