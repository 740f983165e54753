import {
  bool, hashes, int, list, num, oneOf, pattern, record, ref, refs, str, strs, type PropertyKind,
} from './property-kinds.js';

/**
 * The predefined extensions of cyber-observable objects (STIX 2.1 §6.x.2:
 * ntfs-ext, http-request-ext, …), described like the object types: each is a
 * record of typed fields checked when it appears on its own SCO type.
 */

export interface ScoExtensionSpec {
  readonly name: string;
  /** The SCO type the extension belongs to. */
  readonly on: string;
  readonly payload: PropertyKind;
}

const hex: PropertyKind = { kind: 'hex' };
const size = int(0);
const dictionary: PropertyKind = { kind: 'dictionary' };
// §6.7.2: time_date_stamp is a timestamp without fractional seconds.
const WHOLE_SECONDS = pattern(
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/u,
  'a timestamp in whole seconds such as 2018-08-20T12:00:00Z',
);

export const SCO_EXTENSIONS: readonly ScoExtensionSpec[] = [
  {
    name: 'archive-ext', on: 'file',
    payload: record({ contains_refs: refs('file', 'directory'), comment: str }, ['contains_refs']),
  },
  {
    name: 'ntfs-ext', on: 'file',
    payload: record({ sid: str, alternate_data_streams: list(record({ name: str, hashes, size }, ['name'])) }),
  },
  {
    name: 'pdf-ext', on: 'file',
    payload: record({
      version: str, is_optimized: bool, document_info_dict: { kind: 'dictionary', values: 'string' }, pdfid0: str,
      pdfid1: str,
    }),
  },
  {
    name: 'raster-image-ext', on: 'file',
    payload: record({
      image_height: int(), image_width: int(), bits_per_pixel: int(),
      exif_tags: { kind: 'dictionary', values: 'string-or-integer' },
    }),
  },
  {
    name: 'windows-pebinary-ext', on: 'file',
    payload: record({
      pe_type: str, imphash: str, machine_hex: hex, number_of_sections: size, time_date_stamp: WHOLE_SECONDS,
      pointer_to_symbol_table_hex: hex, number_of_symbols: size, size_of_optional_header: size,
      characteristics_hex: hex, file_header_hashes: hashes, optional_header: dictionary,
      sections: list(record({ name: str, size, entropy: num(), hashes }, ['name'])),
    }, ['pe_type']),
  },
  {
    name: 'http-request-ext', on: 'network-traffic',
    payload: record({
      request_method: str, request_value: str, request_version: str, request_header: dictionary,
      message_body_length: int(), message_body_data_ref: ref('artifact'),
    }, ['request_method', 'request_value']),
  },
  {
    name: 'icmp-ext', on: 'network-traffic',
    payload: record({ icmp_type_hex: hex, icmp_code_hex: hex }, ['icmp_type_hex', 'icmp_code_hex']),
  },
  {
    name: 'socket-ext', on: 'network-traffic',
    payload: record({
      address_family: oneOf(['AF_UNSPEC', 'AF_INET', 'AF_IPX', 'AF_APPLETALK', 'AF_NETBIOS', 'AF_INET6', 'AF_IRDA', 'AF_BTH']),
      is_blocking: bool, is_listening: bool, options: { kind: 'dictionary', values: 'integer' },
      socket_type: oneOf(['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET']),
      socket_descriptor: size, socket_handle: int(),
    }, ['address_family']),
  },
  {
    name: 'tcp-ext', on: 'network-traffic',
    payload: record({ src_flags_hex: hex, dst_flags_hex: hex }),
  },
  {
    name: 'windows-process-ext', on: 'process',
    payload: record({
      aslr_enabled: bool, dep_enabled: bool, priority: str, owner_sid: str, window_title: str, startup_info: dictionary,
      integrity_level: oneOf(['low', 'medium', 'high', 'system']),
    }),
  },
  {
    name: 'windows-service-ext', on: 'process',
    payload: record({
      service_name: str, descriptions: strs, display_name: str, group_name: str,
      start_type: oneOf(['SERVICE_AUTO_START', 'SERVICE_BOOT_START', 'SERVICE_DEMAND_START', 'SERVICE_DISABLED',
        'SERVICE_SYSTEM_ALERT']),
      service_dll_refs: refs('file'),
      service_type: oneOf(['SERVICE_KERNEL_DRIVER', 'SERVICE_FILE_SYSTEM_DRIVER', 'SERVICE_WIN32_OWN_PROCESS',
        'SERVICE_WIN32_SHARE_PROCESS']),
      service_status: oneOf(['SERVICE_CONTINUE_PENDING', 'SERVICE_PAUSE_PENDING', 'SERVICE_PAUSED', 'SERVICE_RUNNING',
        'SERVICE_START_PENDING', 'SERVICE_STOP_PENDING', 'SERVICE_STOPPED']),
    }),
  },
  {
    name: 'unix-account-ext', on: 'user-account',
    payload: record({ gid: num(), groups: strs, home_dir: str, shell: str }),
  },
];
