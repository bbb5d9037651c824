# AvalancheGo's remote signer service (proto/signer.proto): the C++ message and service stubs are
# generated at build time with Debian's protoc and grpc_cpp_plugin (protobuf-compiler,
# protobuf-compiler-grpc) and compiled into their own library, so the generated code's warnings stay
# out of ours and src/grpc/ includes them as "signer.grpc.pb.h".
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)

set(SIGNER_PROTO ${CMAKE_SOURCE_DIR}/proto/signer.proto)
set(SIGNER_PROTO_OUT ${CMAKE_BINARY_DIR}/generated/proto)
set(SIGNER_PROTO_SOURCES
  ${SIGNER_PROTO_OUT}/signer.pb.cc ${SIGNER_PROTO_OUT}/signer.pb.h
  ${SIGNER_PROTO_OUT}/signer.grpc.pb.cc ${SIGNER_PROTO_OUT}/signer.grpc.pb.h)
add_custom_command(
  OUTPUT ${SIGNER_PROTO_SOURCES}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${SIGNER_PROTO_OUT}
  COMMAND protobuf::protoc --proto_path=${CMAKE_SOURCE_DIR}/proto --cpp_out=${SIGNER_PROTO_OUT}
          --grpc_out=${SIGNER_PROTO_OUT} --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
          ${SIGNER_PROTO}
  DEPENDS ${SIGNER_PROTO} protobuf::protoc gRPC::grpc_cpp_plugin
  COMMENT "Generating the signer.proto gRPC stubs"
  VERBATIM)
add_library(cryftee_signer_proto STATIC ${SIGNER_PROTO_SOURCES})
target_include_directories(cryftee_signer_proto SYSTEM PUBLIC ${SIGNER_PROTO_OUT})
target_link_libraries(cryftee_signer_proto PUBLIC gRPC::grpc++ protobuf::libprotobuf)
