"""A small SAM template with one of each thing the local stack reads, for its unit tests."""

from __future__ import annotations

from pathlib import Path

from clinic_tools.local.template import LocalTemplate, load_template

SAMPLE_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Origins:
    Type: CommaDelimitedList
    Default: "http://localhost:5173, https://*.clinic.example"
  CacheSeconds:
    Type: Number
    Default: 60
Globals:
  Function:
    Runtime: python3.13
    MemorySize: 256
    Timeout: 5
    Environment:
      Variables:
        LOG_LEVEL: INFO
        SHARED: from-globals
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: !Ref Origins
        AllowMethods: [get, post]
        AllowHeaders: [Content-Type, If-None-Match]
        ExposeHeaders: [ETag]
        MaxAge: 600
  SiteBucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
  UploadsBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-uploads"
  RequestsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: S}
        - {AttributeName: status, AttributeType: S}
        - {AttributeName: createdAt, AttributeType: S}
      KeySchema:
        - {AttributeName: id, KeyType: HASH}
      GlobalSecondaryIndexes:
        - IndexName: byStatus
          KeySchema:
            - {AttributeName: status, KeyType: HASH}
            - {AttributeName: createdAt, KeyType: RANGE}
          Projection: {ProjectionType: ALL}
      TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}
      StreamSpecification: {StreamViewType: KEYS_ONLY}
  SessionsTable:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: token, Type: String}
  AlertsTopic:
    Type: AWS::SNS::Topic
  HashSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString: {PasswordLength: 32}
  PagesFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: pages.handler.main
      MemorySize: 1024
      Environment:
        Variables:
          SHARED: from-function
          BUCKET: !Ref SiteBucket
          UPLOADS: !Ref UploadsBucket
          TABLE: !Ref RequestsTable
          TABLE_ARN: !GetAtt RequestsTable.Arn
          SESSIONS: !Ref SessionsTable
          TOPIC: !Ref AlertsTopic
          SECRET: !Ref HashSecret
          CACHE: !Ref CacheSeconds
          ORIGINS: !Join [";", !Ref Origins]
          OBJECTS: !Sub "${SiteBucket.Arn}/*"
          FLAG: true
      Events:
        List: {Type: HttpApi, Properties: {ApiId: !Ref Api, Method: get, Path: /pages}}
        One: {Type: HttpApi, Properties: {ApiId: !Ref Api, Method: GET, Path: "/pages/{slug}"}}
        Files: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: "/files/{proxy+}"}}
        Nightly: {Type: Schedule, Properties: {Schedule: rate(1 day)}}
  FallbackFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: fallback.main
      Events:
        Default: {Type: HttpApi}
"""


def write_sample(folder: Path) -> Path:
    path = folder / "template.yaml"
    path.write_text(SAMPLE_TEMPLATE, encoding="utf-8")
    return path


def load_sample(folder: Path) -> LocalTemplate:
    return load_template(write_sample(folder))
