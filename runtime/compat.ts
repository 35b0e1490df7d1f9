// Compatibility dates and flags as the Workers runtime reads them: which flags
// exist, which of them bunflare gives, which change behaviour it does not give
// (named in one warning at dev start), and the startup checks wrangler dev makes.
// Nothing here bakes in a newest supported date: the machine's clock is the
// limit, so bunflare never refuses a date only because it is older than the clock.
import { COMPAT_FLAGS } from "./compat-flags.ts";

/** Every flag name (enable and disable) the Workers runtime pinned by the compat suite knows. */
const KNOWN_FLAGS = new Set(
  `
  add_nodejs_compat_eol add_nodejs_compat_eol_v22 add_nodejs_compat_eol_v23 add_nodejs_compat_eol_v24
  allow_custom_ports allow_eval_during_startup allow_importable_env allow_insecure_inefficient_logged_eval
  allow_irrevocable_stub_storage assets_navigation_has_no_effect assets_navigation_prefers_asset_serving
  bind_asynclocalstorage_snapshot_to_request blob_legacy_mime_type blob_standard_mime_type
  brotli_content_encoding cache_api_compat_flags cache_api_request_cf_overrides_cache_rules
  cache_no_cache_disabled cache_no_cache_enabled cache_option_disabled cache_option_enabled
  cache_reload_disabled cache_reload_enabled capture_async_api_throws cf_botmanagement_default
  connect_pass_through containers_pid_namespace cots_on_external_fetch crypto_preserve_public_exponent
  delete_all_deletes_alarm delete_all_preserves_alarm diagnostics_channel_has_subscribers_getter
  disable_ctx_exports disable_email_sending_queuing disable_fast_jsg_struct disable_global_performance_classes
  disable_navigator_language disable_nodejs_child_process_module disable_nodejs_cluster_module
  disable_nodejs_console_module disable_nodejs_dgram_module disable_nodejs_domain_module
  disable_nodejs_fs_module disable_nodejs_http2_module disable_nodejs_http_modules
  disable_nodejs_http_server_modules disable_nodejs_inspector_module disable_nodejs_os_module
  disable_nodejs_perf_hooks_module disable_nodejs_process_v2 disable_nodejs_punycode_module
  disable_nodejs_readline_module disable_nodejs_repl_module disable_nodejs_sqlite_module
  disable_nodejs_stream_wrap_module disable_nodejs_trace_events_module disable_nodejs_tty_module
  disable_nodejs_v8_module disable_nodejs_vm_module disable_nodejs_wasi_module
  disable_nodejs_worker_threads_module disable_python_check_rng_state disable_python_dedicated_snapshot
  disable_python_external_sdk disable_python_no_global_handlers disable_python_request_headers_preserve_commas
  disable_python_workflows disable_request_signal disable_streams_nodejs_v24_compat
  disable_text_decoder_cjk_decoder disable_text_decoder_replace_surrogates disable_top_level_await_in_require
  disable_validate_workflow_entrypoint disable_weak_ref disallow_eval_during_startup disallow_importable_env
  do_not_capture_async_api_throws do_not_set_tostring_tag do_not_strip_bom_in_read_all_text
  dont_substitute_null_on_type_error durable_object_alarms durable_object_fetch_allows_relative_url
  durable_object_fetch_requires_full_url durable_object_get_existing durable_object_rename
  dynamic_dispatch_treat_exceptions_as_500 dynamic_dispatch_tunnel_exceptions enable_abortsignal_rpc
  enable_ctx_exports enable_ctx_version_metadata enable_d1_with_sessions_api enable_email_sending_queuing
  enable_fast_jsg_struct enable_global_performance_classes enable_navigator_language
  enable_nodejs_child_process_module enable_nodejs_cluster_module enable_nodejs_console_module
  enable_nodejs_dgram_module enable_nodejs_domain_module enable_nodejs_fs_module enable_nodejs_global_timers
  enable_nodejs_http2_module enable_nodejs_http_modules enable_nodejs_http_server_modules
  enable_nodejs_inspector_module enable_nodejs_os_module enable_nodejs_perf_hooks_module
  enable_nodejs_process_v2 enable_nodejs_punycode_module enable_nodejs_readline_module enable_nodejs_repl_module
  enable_nodejs_sqlite_module enable_nodejs_stream_wrap_module enable_nodejs_trace_events_module
  enable_nodejs_tty_module enable_nodejs_v8_module enable_nodejs_vm_module enable_nodejs_wasi_module
  enable_nodejs_worker_threads_module enable_python_external_sdk enable_request_signal
  enable_streams_nodejs_v24_compat enable_top_level_await_in_require enable_validate_workflow_entrypoint
  enable_version_api enable_weak_ref enable_web_file_system encoder_stream_spec_compliant_backpressure
  enhanced_error_serialization env_module_nullable_support experimental export_commonjs_default
  export_commonjs_namespace expose_global_message_channel fetch_iterable_type_support
  fetch_iterable_type_support_override_adjustment fetch_legacy_url fetch_refuses_unknown_protocols
  fetch_standard_url fetch_treats_unknown_protocols_as_http fetcher_has_get_put_delete fetcher_no_get_put_delete
  formdata_parser_converts_files_to_strings formdata_parser_supports_files global_fetch_private_origin
  global_fetch_strictly_public global_importscripts global_navigator handle_cross_request_promise_resolution
  html_rewriter_treats_esi_include_as_void_tag http_headers_getsetcookie ignore_custom_ports
  ignore_unrecognized_import_assertion immutable_api_prototypes increase_websocket_message_size
  internal_stream_byob_return_undefined internal_stream_byob_return_view
  internal_writable_stream_abort_clears_queue internal_writable_stream_abort_does_not_clear_queue js_rpc
  kv_direct_binding legacy_error_serialization legacy_module_registry memory_cache_delete minimal_subrequests
  mutable_api_prototypes new_module_registry no_brotli_content_encoding no_cache_api_compat_flags
  no_cache_api_request_cf_overrides_cache_rules no_cf_botmanagement_default no_containers_pid_namespace
  no_cots_on_external_fetch no_crypto_preserve_public_exponent no_diagnostics_channel_has_subscribers_getter
  no_encoder_stream_spec_compliant_backpressure no_env_module_nullable_support no_expose_global_message_channel
  no_fetch_iterable_type_support no_fetch_iterable_type_support_override_adjustment no_global_importscripts
  no_global_navigator no_handle_cross_request_promise_resolution no_http_headers_getsetcookie
  no_minimal_subrequests no_nodejs_als no_nodejs_compat no_nodejs_compat_v2 no_nodejs_global_timers
  no_nodejs_zlib no_precise_timers no_python_workers_20250116 no_python_workflows_implicit_dependencies
  no_queue_expose_error_codes no_queues_json_messages no_request_cf_overrides_cache_rules
  no_request_signal_passthrough no_resizable_array_buffer_in_blob no_rpc no_set_event_target_this
  no_spec_compliant_property_attributes no_strict_compression_checks no_strict_crypto_checks
  no_unhandled_rejection_after_microtask_checkpoint no_unwrap_custom_thenables no_upper_case_all_http_methods
  no_urlsearchparams_delete_has_value_arg no_web_socket_compression no_websocket_close_reason_byte_limit
  no_websocket_standard_binary_type no_writable_stream_spec_compliant_writer nodejs_als nodejs_compat
  nodejs_compat_do_not_populate_process_env nodejs_compat_populate_process_env nodejs_compat_v2 nodejs_zlib
  non_pedantic_wpt nonclass_entrypoint_reuses_ctx_across_invocations pedantic_wpt precise_timers
  python_check_rng_state python_dedicated_snapshot python_external_packages python_no_global_handlers
  python_request_headers_preserve_commas python_workers python_workers_20250116 python_workers_development
  python_workers_durable_objects python_workers_force_new_vendor_path python_workflows
  python_workflows_implicit_dependencies queue_consumer_no_wait_for_wait_until
  queue_consumer_wait_for_wait_until queue_expose_error_codes queues_json_messages r2_internal_beta_bindings
  r2_list_honor_include r2_public_beta_bindings remove_nodejs_compat_eol remove_nodejs_compat_eol_v22
  remove_nodejs_compat_eol_v23 remove_nodejs_compat_eol_v24 replica_routing request_cf_overrides_cache_rules
  request_signal_passthrough require_returns_default_export require_returns_namespace
  resizable_array_buffer_in_blob response_redirect_url_original response_redirect_url_standard
  retain_authorization_on_cross_origin_redirect rpc_params_dup_stubs rpc_params_transfer_stubs rtti_api
  service_binding_extra_handlers set_event_target_this set_forwardable_email_full_headers
  set_forwardable_email_single_headers set_tostring_tag spec_compliant_property_attributes streaming_tail_worker
  streams_auto_allocate_chunk_size_default streams_byob_reader_detaches_buffer
  streams_byob_reader_does_not_detach_buffer streams_disable_constructors streams_enable_constructors
  streams_no_default_auto_allocate_chunk_size strict_compression_checks strict_crypto_checks
  strip_authorization_on_cross_origin_redirect strip_bom_in_read_all_text substitute_null_on_type_error
  tail_worker_user_spans tcp_sockets_support text_decoder_cjk_decoder text_decoder_replace_surrogates
  throw_on_unrecognized_import_assertion transformstream_disable_standard_constructor
  transformstream_enable_standard_constructor typescript_strip_types
  unhandled_rejection_after_microtask_checkpoint unique_ctx_per_invocation unsafe_module
  unsupported_process_actual_platform unwrap_custom_thenables upper_case_all_http_methods url_original
  url_standard urlpattern_original urlpattern_standard urlsearchparams_delete_has_value_arg
  vectorize_query_metadata_optional vectorize_query_original web_socket_auto_reply_to_close
  web_socket_compression web_socket_manual_reply_to_close webgpu websocket_close_reason_byte_limit
  websocket_standard_binary_type workers_api_getters_setters_on_instance
  workers_api_getters_setters_on_prototype workflows_preserve_non_retryable_error_message
  workflows_replace_non_retryable_error_message writable_stream_spec_compliant_writer
`
    .trim()
    .split(/\s+/),
);

/**
 * Flags whose behaviour users notice and bunflare does not give: the worker runs
 * with Bun's (standard) behaviour instead. Flags not listed either hold in Bun
 * already (url_standard, formdata_parser_supports_files, ...), are given by
 * bunflare (nodejs_compat and friends), or tune internals nobody sees locally.
 */
const UNSUPPORTED_FLAGS = new Set([
  "global_fetch_strictly_public",
  "formdata_parser_converts_files_to_strings",
  "url_original",
  "response_redirect_url_original",
  "fetch_legacy_url",
  "fetch_treats_unknown_protocols_as_http",
  "blob_legacy_mime_type",
  "no_global_navigator",
  "streams_disable_constructors",
  "transformstream_disable_standard_constructor",
  "no_http_headers_getsetcookie",
  "no_urlsearchparams_delete_has_value_arg",
  "urlpattern_original",
  "python_workers",
  "python_workers_development",
  "webgpu",
  "rtti_api",
  "unsafe_module",
  "allow_insecure_inefficient_logged_eval",
  // Its module registry (import.meta.url / main / resolve among what it changes).
  "new_module_registry",
]);

export interface CompatSettings {
  date: string;
  flags: string[];
}

/** Node.js APIs (node:* modules): nodejs_compat or nodejs_compat_v2. */
export function hasNodeCompat({ flags }: CompatSettings): boolean {
  return flags.includes("nodejs_compat") || flags.includes("nodejs_compat_v2");
}

/**
 * Node's globals (process, Buffer, global, setImmediate, clearImmediate): nodejs_compat
 * from 2024-09-23 (when it became v2), or nodejs_compat_v2, unless no_nodejs_compat_v2.
 */
export function hasNodeGlobals(compat: CompatSettings): boolean {
  const { flags, date } = compat;
  if (!hasNodeCompat(compat) || flags.includes("no_nodejs_compat_v2")) return false;
  return flags.includes("nodejs_compat_v2") || date >= "2024-09-23";
}

/** process.env holds the worker's vars: nodejs_compat_populate_process_env, the default from 2025-04-01. */
export function populatesProcessEnv(compat: CompatSettings): boolean {
  const { flags, date } = compat;
  return (
    hasNodeCompat(compat) &&
    !flags.includes("nodejs_compat_do_not_populate_process_env") &&
    (flags.includes("nodejs_compat_populate_process_env") || date >= "2025-04-01")
  );
}

/** eval() and new Function() work while top-level code runs: allow_eval_during_startup, the default from 2025-06-01. */
export function allowsEvalDuringStartup({ flags, date }: CompatSettings): boolean {
  if (flags.includes("disallow_eval_during_startup")) return false;
  return flags.includes("allow_eval_during_startup") || date >= "2025-06-01";
}

/** A WebSocket answers a close it receives at once: web_socket_auto_reply_to_close, the default from 2026-04-07. */
export function autoRepliesToClose({ flags, date }: CompatSettings): boolean {
  if (flags.includes("web_socket_manual_reply_to_close")) return false;
  return flags.includes("web_socket_auto_reply_to_close") || date >= "2026-04-07";
}

/** WebSocket close() refuses a reason over 123 bytes: websocket_close_reason_byte_limit, the default from 2026-03-03. */
export function limitsCloseReason({ flags, date }: CompatSettings): boolean {
  if (flags.includes("no_websocket_close_reason_byte_limit")) return false;
  return flags.includes("websocket_close_reason_byte_limit") || date >= "2026-03-03";
}

/** A WebSocket's binaryType starts as "blob": websocket_standard_binary_type, the default from 2026-03-17. */
export function blobsBinaryMessages({ flags, date }: CompatSettings): boolean {
  if (flags.includes("no_websocket_standard_binary_type")) return false;
  return flags.includes("websocket_standard_binary_type") || date >= "2026-03-17";
}

/**
 * `Cloudflare.compatibilityFlags` as workerd computes it: each flag of runtime/compat-flags.ts on when
 * given, or (unless its disable flag is given) from its default date or from the date another flag
 * implies it, and the flag it needs is on.
 */
export function compatibilityFlags({ flags, date }: CompatSettings): Record<string, boolean> {
  const given = new Set(flags);
  const on: Record<string, boolean> = {};
  for (const [name, from, disable, impliedBy = [], needs] of COMPAT_FLAGS) {
    const byDate = (from !== "" && date >= from) || impliedBy.some(([flag, since]) => on[flag] === true && date >= since);
    on[name] = given.has(name) || (!given.has(disable) && byDate && (!needs || on[needs] === true));
  }
  return on;
}

/** Globals workerd gives only with a flag on (by its date or given): the flag, and its globals. */
export const GLOBALS_BY_FLAG: Record<string, string[]> = {
  enable_weak_ref: ["WeakRef", "FinalizationRegistry"],
  expose_global_message_channel: ["MessageChannel", "MessagePort"],
  enable_global_performance_classes: [
    ...["Performance", "PerformanceEntry", "PerformanceMark", "PerformanceMeasure"],
    ...["PerformanceObserver", "PerformanceObserverEntryList", "PerformanceResourceTiming"],
  ],
};

/** The globals of GLOBALS_BY_FLAG that workerd does not give with these flags (`on`: compatibilityFlags()). */
export function absentGlobals(on: Record<string, boolean>): string[] {
  return Object.entries(GLOBALS_BY_FLAG).flatMap(([flag, names]) => (on[flag] ? [] : names));
}

/** The flags of `flags` that the runtime knows but bunflare does not give, in the order given. */
export function unsupportedFlags(flags: string[]): string[] {
  return [...new Set(flags.filter((flag) => UNSUPPORTED_FLAGS.has(flag)))];
}

/** The flags of `flags` that no Workers runtime knows. */
export function unknownFlags(flags: string[]): string[] {
  return [...new Set(flags.filter((flag) => !KNOWN_FLAGS.has(flag)))];
}

/** Today as a compatibility date (UTC), as wrangler computes it. */
export function todaysCompatDate(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Whether the runtime can parse `date`: YYYY-MM-DD with a real month and day. */
export function isCompatDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/**
 * What stops `wrangler dev` from starting a worker with these settings, as its
 * error lines (the runtime's lines name the worker as workerd's service does), or
 * undefined. `runtime` tells whether the lines come from the runtime itself, which
 * wrangler follows with "The Workers runtime failed to start...".
 */
export function startupProblem(workerName: string, compat: CompatSettings, now = new Date()): { lines: string[]; runtime: boolean } | undefined {
  if (compat.date > todaysCompatDate(now)) {
    return { lines: [`Compatibility date "${compat.date}" is in the future and unsupported`], runtime: false };
  }
  const service = `service core:user:${workerName}`;
  const unknown = unknownFlags(compat.flags);
  if (unknown.length) return { lines: unknown.map((flag) => `${service}: No such compatibility flag: ${flag}`), runtime: true };
  // "2000-01-01": on at every date the runtime takes, never a date it names.
  const needless = COMPAT_FLAGS.filter(([name, from]) => from !== "" && from !== "2000-01-01" && compat.date >= from && compat.flags.includes(name));
  if (needless.length) {
    return {
      lines: needless.map(([name, from]) => `${service}: The compatibility flag ${name} became the default as of ${from} so does not need to be specified anymore.`),
      runtime: true,
    };
  }
  const contradictory = COMPAT_FLAGS.filter(([name, , disable]) => disable && compat.flags.includes(name) && compat.flags.includes(disable));
  if (contradictory.length) {
    return { lines: contradictory.map(([name, , disable]) => `${service}: Compatibility flags are mutually contradictory: ${name} vs ${disable}`), runtime: true };
  }
  if (!isCompatDate(compat.date)) return { lines: [`${service}: Invalid compatibility date: ${compat.date}`], runtime: true };
  return undefined;
}
