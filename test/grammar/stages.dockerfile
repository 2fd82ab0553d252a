# SYNTAX TEST "source.dockerfile" "stage names, stage references and suppression comments"
FROM golang:1.22 AS build
#                   ^^^^^ entity.name.type.stage.dockerfile
FROM --platform=$BUILDPLATFORM node:20 AS web-assets
#                                         ^^^^^^^^^^ entity.name.type.stage.dockerfile
FROM build
#    ^^^^^ variable.other.stage-reference.dockerfile
FROM build AS test
#    ^^^^^ - variable.other.stage-reference.dockerfile
#             ^^^^ entity.name.type.stage.dockerfile
COPY --from=build /out/app /usr/local/bin/app
#    ^^^^^^ variable.parameter.flag.dockerfile
#           ^^^^^ variable.other.stage-reference.dockerfile
RUN --mount=type=cache,from=web-assets,target=/cache true
#                           ^^^^^^^^^^ variable.other.stage-reference.dockerfile
# multistage-ignore=build-tools-in-runtime, install-recommends
#  ^^^^^^^^^^^^^^^^ keyword.other.directive.multistage-ignore.dockerfile
#                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ constant.other.rule-id.multistage.dockerfile
RUN apt-get install -y gcc
# an ordinary comment stays a comment
# <- comment.line.number-sign.dockerfile
